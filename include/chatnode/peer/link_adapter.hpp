// How much video one link can take, decided from what its socket says
// (pacing/link_meter.hpp) and nothing else: no I/O, the time is given, so
// every rule here is tested without a network (tests/peer/test_link_adapter.cpp).
//
// Four rules keep the link live:
//  - the kernel's unsent queue is capped near 10 ms of the link's rate, so a
//    text written now goes out behind milliseconds of video, not seconds;
//  - once the link has shown a queue, the kernel paces what it sends a little
//    above the link's rate, so a frame queues with us, not in the router;
//  - a new frame starts only while what is queued for the link (unsent here,
//    and waiting in the network's queue on the way out, which our pings
//    measure apart from the way back) drains within the budget; otherwise
//    the frame is skipped for this link;
//  - the link runs at the highest rung of its quality ladder whose bytes a
//    second fit within 0.8 of its rate. When the network's queue grows it
//    steps down at once, to what the rate measured then fits, and one rung
//    more each round trip or two while the queue keeps growing. It steps up
//    one rung at a time after a calm second: a probe, since a link that
//    carries all we send shows no more than that (a rung too many is stepped
//    down from), but not into a wall met in the last seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "chatnode/pacing/link_meter.hpp"
#include "chatnode/pacing/one_way_delay.hpp"
#include "chatnode/pacing/socket_setting.hpp"
#include "chatnode/video/quality_ladder.hpp"

namespace chatnode::peer {

struct adapt_config {
  video::degrade preference = video::degrade::balanced;
  int top_quality = 90;                  ///< rung 0's JPEG quality: what the user asked for
  std::uint64_t max_bitrate = 0;         ///< bits a second this link may carry at most; 0: no cap
  std::chrono::milliseconds budget{50};  ///< queueing a new frame may start behind
};

class link_adapter {
 public:
  using clock = std::chrono::steady_clock;

  /// Share of the link's rate a rung may use: room for text, and for the rate to dip.
  static constexpr double headroom = 0.8;
  /// Our video has stopped on the link when no frame started for this long:
  /// a queue then is not ours to answer, and nothing is paced.
  static constexpr std::chrono::milliseconds video_idle{1000};
  /// The least pacing rate: text and control alone never wait on pacing.
  static constexpr double least_pacing = 16 * 1024;
  /// Pacing over the link's rate: a frame of n bytes queues n/5 in the network, not n.
  static constexpr double pacing_gain = 1.25;
  /// Calm this long (queueing under half the budget) before one rung up.
  static constexpr std::chrono::milliseconds calm_before_step_up{700};
  /// While the queue grows, what the peer acknowledged over this long is the link's rate.
  static constexpr std::chrono::milliseconds busy_window{250};
  /// How long the rate at which the queue last grew holds back a probe.
  static constexpr std::chrono::milliseconds remember_congestion{3000};
  /// A probe (a rung up beyond what the link has shown it carries) is watched
  /// this long: a queue of half the budget in it, and it is undone at once.
  static constexpr std::chrono::milliseconds probe_watch{700};
  /// After a failed probe the next waits this long, doubling up to the longest.
  static constexpr std::chrono::milliseconds first_probe_backoff{2000};
  static constexpr std::chrono::milliseconds longest_probe_backoff{6000};

  explicit link_adapter(adapt_config cfg);

  /// A reading of the link's socket, taken at `now`: updates the rate and the
  /// queueing, and may move the link to another rung.
  void observe(const pacing::tcp_reading& r, clock::time_point now);
  /// One of our pings answered at `now`: `forward_us` is the peer's clock at
  /// its arrival less ours at its leaving, `rtt_us` its round trip. Tells
  /// our direction's queue from the peer's (pacing/one_way_delay.hpp).
  void ping_answered(std::int64_t forward_us, std::int64_t rtt_us, clock::time_point now) {
    one_way_.observe(forward_us, rtt_us, now);
  }
  /// Whether a new frame may start now: the queue drains within the budget, and the bitrate cap allows it.
  bool may_start_frame(clock::time_point now) const;
  /// A frame was offered at `now` (`own`: ours, not relayed); whether the
  /// rung's frame rate takes it (one in fps_div).
  bool take_offered(clock::time_point now, bool own);
  /// A frame of `bytes` in rendition `r` started going out (not_ours: relayed,
  /// not ours to shrink; our own teach the ladder their size).
  void frame_started(clock::time_point now, std::size_t bytes, const video::rendition& r);

  /// Whether our video goes out on the link: a frame started within video_idle of the last observe().
  bool sends_video() const { return sends_video_; }
  const video::rung& rung() const { return ladder_[index_]; }
  std::size_t rung_index() const { return index_; }
  const std::vector<video::rung>& ladder() const { return ladder_; }
  /// The link's rate estimate, bytes a second; 0 until measured.
  double rate() const { return rate_; }
  /// How long a byte written now waits before it is on its way.
  std::chrono::microseconds queue_delay() const { return queue_delay_; }
  /// Frames of ours offered a second, as measured.
  double offered_fps() const { return offered_fps_; }
  /// TCP_NOTSENT_LOWAT to set now, if it should change (pacing::link_meter::unsent_limit_change).
  std::optional<std::size_t> unsent_limit_change() { return meter_.unsent_limit_change(rate_); }
  /// The rate the kernel may send at, bytes a second (pacing::limit_pacing):
  /// none (0) until the link has shown a queue, at rung 0, or while no video
  /// goes out; then pacing_gain over what it carries or the rung needs, whichever is more.
  double pacing_rate() const;
  /// The pacing rate to set now, if it moved by more than a tenth since the last one set.
  std::optional<std::uint64_t> pacing_rate_change();
  /// JPEG bytes per video chunk: about 15 ms of the link, so text waits behind little.
  std::size_t chunk_bytes() const;

  /// Bytes a second rung `i` is expected to take at the offered frame rate.
  double predicted_rate(std::size_t i) const;

 private:
  double predicted_frame_bytes(const video::rendition& r) const;
  /// The first rung from `from` down whose predicted rate fits within
  /// headroom × `rate` and the cap; the last rung when none does.
  std::size_t fitting_rung(double rate, std::size_t from) const;
  void step_to(std::size_t index);
  /// To rung `index`, at least one down, with the network's queue at `in_network`.
  void step_down(std::size_t index, std::chrono::microseconds in_network, clock::time_point now);
  /// How long after a step down its effect shows in the queue.
  clock::duration hold() const;
  /// Bytes the bitrate cap allows now (negative: the last frames are not yet paid for).
  double cap_allowance(clock::time_point now) const;

  adapt_config cfg_;
  std::vector<video::rung> ladder_;
  std::size_t index_ = 0;

  pacing::link_meter meter_;
  pacing::one_way_delay one_way_;
  bool measured_ = false;
  clock::time_point last_frame_started_{};
  bool sends_video_ = false;
  double rate_ = 0;
  std::chrono::microseconds queue_delay_{0};
  clock::time_point calm_since_{};
  clock::time_point last_step_down_{};
  double congested_rate_ = 0;                     ///< the link's rate when its queue last grew
  bool congested_ = false;                        ///< the network's queue grew, and has not drained since
  std::chrono::microseconds congested_delay_{0};  ///< the network's queue at the last step down
  bool probing_ = false;
  clock::time_point probe_started_{};
  clock::time_point next_probe_{};
  std::chrono::milliseconds probe_backoff_ = first_probe_backoff;

  std::map<video::rendition, double> frame_bytes_;  ///< smoothed size of our frames per rendition
  video::rendition last_own_{};
  bool have_own_ = false;
  double offered_fps_ = 0;
  clock::time_point last_offered_{};
  int offered_since_sent_ = 0;

  pacing::socket_setting pacing_set_{1, 10};  ///< changed when the rate moves by a tenth

  double tokens_ = 0;  ///< bytes the bitrate cap allowed at tokens_at_
  clock::time_point tokens_at_{};
};

}  // namespace chatnode::peer
