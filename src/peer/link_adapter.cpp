#include "chatnode/peer/link_adapter.hpp"

#include <algorithm>
#include <limits>

namespace chatnode::peer {
namespace {

using namespace std::chrono_literals;

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

link_adapter::link_adapter(adapt_config cfg)
    : cfg_(cfg), ladder_(video::make_ladder(cfg.preference, cfg.top_quality)) {}

void link_adapter::observe(const pacing::tcp_reading& r, clock::time_point now) {
  if (!r.valid) return;
  if (!measured_) {
    measured_ = true;
    calm_since_ = now;
  }
  meter_.observe(r, now);
  // What it acknowledged lately, or what it carried when its queue last grew:
  // whichever is more (the first only shows what we send).
  rate_ = std::max(meter_.rate(), congested_rate_);
  // The network's queue as the socket sees it, bounded by what our pings saw on
  // the way out: the socket's round trip holds the peer's video queue too.
  auto in_network = meter_.network_delay(rate_);
  if (const auto ours = one_way_.queueing(now)) in_network = std::min(in_network, *ours);
  queue_delay_ = meter_.unsent_delay(rate_) + in_network;
  // Without our video on it the link has nothing to give way: a queue then is
  // the peer's acknowledgements held up behind its own video, or text.
  sends_video_ = last_frame_started_ != clock::time_point{} && now - last_frame_started_ < video_idle;
  if (!sends_video_) {
    congested_ = probing_ = false;
    calm_since_ = now;
    return;
  }

  // Only a queue in the network moves the rung: one in our kernel alone (TCP
  // still growing its window, a moment's burst) holds frames back, no more.
  if (probing_ && in_network > cfg_.budget / 2) {
    // The rung just tried is more than the link carries: back at once, before
    // the queue grows, and try again later, the later the more tries failed.
    probing_ = false;
    probe_backoff_ = std::min(2 * probe_backoff_, longest_probe_backoff);
    next_probe_ = now + probe_backoff_;
    step_down(index_ + 1, in_network, now);
    calm_since_ = now;
    // The rung below held before: the queue that grows on is the probe's
    // draining, not a new fall of the link's rate to measure and step under.
    congested_ = true;
    return;
  }
  if (probing_ && now - probe_started_ >= probe_watch) {
    probing_ = false;  // it holds
    probe_backoff_ = first_probe_backoff;
  }
  if (in_network > cfg_.budget) {
    calm_since_ = now;
    if (!congested_) {
      // The link carries less than we send. Down at once, to what its rate
      // fits: while the queue grew the link was busy, so what it acknowledged
      // in the last moments is its rate (a longer window may hold a faster past).
      congested_ = true;
      const double busy_rate = meter_.rate(busy_window);
      if (busy_rate > 0) congested_rate_ = rate_ = busy_rate;
      step_down(busy_rate > 0 ? fitting_rung(busy_rate, index_ + 1) : index_ + 1, in_network, now);
    } else if (now - last_step_down_ >= hold() && in_network >= congested_delay_) {
      // Not falling a round trip or two after the last step: one rung more.
      // (Not to a rate measured now: frames are held back, the link is not busy.)
      step_down(index_ + 1, in_network, now);
    }
    return;
  }
  congested_ = false;  // drained to within the budget: frames go again, and a new rise is measured afresh
  // A cap below what this rung sends moves it down too, though nothing queues.
  if (cfg_.max_bitrate > 0 && predicted_rate(index_) > cfg_.max_bitrate / 8.0)
    step_to(fitting_rung(std::numeric_limits<double>::infinity(), index_));
  // Calm is the network's: what waits unsent in our kernel is bounded by the
  // unsent limit, a few milliseconds of the link, and says nothing of the rung.
  if (in_network > cfg_.budget / 2) {
    calm_since_ = now;
    return;
  }
  if (index_ > 0 && !probing_ && now - calm_since_ >= calm_before_step_up && now >= next_probe_) {
    calm_since_ = now;
    // Up to what the link has shown it carries; beyond that a probe, watched
    // closely, and not into a wall met in the last seconds.
    if (fitting_rung(rate_, index_ - 1) == index_ - 1) {
      step_to(index_ - 1);
    } else if (congested_rate_ == 0 || now - last_step_down_ >= remember_congestion) {
      step_to(index_ - 1);
      probing_ = true;
      probe_started_ = now;
    }
  }
}

std::size_t link_adapter::fitting_rung(double rate, std::size_t from) const {
  const double cap = cfg_.max_bitrate > 0 ? cfg_.max_bitrate / 8.0 : 0;
  for (std::size_t i = from; i < ladder_.size(); ++i) {
    const double need = predicted_rate(i);
    if (need <= headroom * rate && (cap == 0 || need <= cap)) return i;
  }
  return ladder_.size() - 1;
}

void link_adapter::step_down(std::size_t index, std::chrono::microseconds in_network, clock::time_point now) {
  step_to(std::max(index, index_ + 1));
  last_step_down_ = now;
  congested_delay_ = in_network;
}

link_adapter::clock::duration link_adapter::hold() const {
  // The least round trip, not the smoothed one: that holds the queue itself.
  return std::max<clock::duration>(250ms, 2 * meter_.least_rtt());
}

void link_adapter::step_to(std::size_t index) {
  index_ = std::min(index, ladder_.size() - 1);
  offered_since_sent_ = 0;
}

bool link_adapter::may_start_frame(clock::time_point now) const {
  if (queue_delay_ > cfg_.budget) return false;
  if (cfg_.max_bitrate == 0) return true;
  return cap_allowance(now) >= 0;
}

double link_adapter::cap_allowance(clock::time_point now) const {
  // The cap's bucket holds a quarter second: a frame may start once the last
  // ones are paid for, so over any second at most the cap goes out (and a frame).
  const double cap = cfg_.max_bitrate / 8.0;
  if (tokens_at_ == clock::time_point{}) return cap / 4;
  return std::min(cap / 4, tokens_ + seconds(now - tokens_at_) * cap);
}

bool link_adapter::take_offered(clock::time_point now, bool own) {
  if (own) {
    if (last_offered_ != clock::time_point{}) {
      const double interval = seconds(now - last_offered_);
      if (interval > 0) offered_fps_ = offered_fps_ == 0 ? 1 / interval : 0.9 * offered_fps_ + 0.1 / interval;
    }
    last_offered_ = now;
  }
  return ++offered_since_sent_ >= rung().fps_div;
}

void link_adapter::frame_started(clock::time_point now, std::size_t bytes, const video::rendition& r) {
  offered_since_sent_ = 0;
  last_frame_started_ = now;
  sends_video_ = true;
  if (r != video::not_ours) {
    auto [it, fresh] = frame_bytes_.try_emplace(r, static_cast<double>(bytes));
    if (!fresh) it->second = 0.8 * it->second + 0.2 * static_cast<double>(bytes);
    last_own_ = r;
    have_own_ = true;
  }
  if (cfg_.max_bitrate > 0) {
    tokens_ = cap_allowance(now) - static_cast<double>(bytes);
    tokens_at_ = now;
  }
}

double link_adapter::predicted_frame_bytes(const video::rendition& r) const {
  if (const auto it = frame_bytes_.find(r); it != frame_bytes_.end()) return it->second;
  if (!have_own_) return 0;
  return frame_bytes_.at(last_own_) * video::relative_size(r) / video::relative_size(last_own_);
}

double link_adapter::predicted_rate(std::size_t i) const {
  const auto& r = ladder_.at(i);
  return predicted_frame_bytes(r.picture) * offered_fps_ / r.fps_div;
}

double link_adapter::pacing_rate() const {
  // Before a queue was seen the link may be loopback, and at rung 0 it carries
  // all we would send: a frame goes out at once.
  if (congested_rate_ == 0 || !sends_video_ || index_ == 0) return 0;
  return std::max(least_pacing, pacing_gain * std::max(rate_, predicted_rate(index_)));
}

std::optional<std::uint64_t> link_adapter::pacing_rate_change() {
  return pacing_set_.change(static_cast<std::uint64_t>(pacing_rate()));
}

std::size_t link_adapter::chunk_bytes() const {
  if (rate_ <= 0) return std::size_t{8} * 1024;
  return std::clamp<std::size_t>(static_cast<std::size_t>(rate_ * 0.015), std::size_t{2} * 1024,
                                 std::size_t{32} * 1024);
}

}  // namespace chatnode::peer
