// A simulated link for peer::link_adapter: a bottleneck of a given rate with
// a FIFO queue in front of it, and a camera offering 30 frames a second. Time
// is simulated (5 ms steps), so every run is the same and none waits.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "chatnode/pacing/link_meter.hpp"
#include "chatnode/pacing/tcp_probe.hpp"
#include "chatnode/peer/link_adapter.hpp"
#include "chatnode/video/quality_ladder.hpp"

namespace link_adapter_test {

using namespace std::chrono_literals;
using chatnode::peer::adapt_config;
using chatnode::peer::link_adapter;
namespace video = chatnode::video;
using sim_clock = link_adapter::clock;

/// JPEG bytes of one frame at quality 90, full size; other renditions scale by relative_size.
constexpr double base_bytes = 30'000;
constexpr auto step = 5ms;
constexpr auto frame_interval = std::chrono::microseconds(1'000'000 / 30);
constexpr std::uint32_t min_rtt_us = 20'000;
constexpr double fast = 10'000'000;  // 80 Mbit/s: ten times what rung 0 takes
constexpr double slow = 250'000;     // 2 Mbit/s

inline double seconds_of(sim_clock::duration d) { return std::chrono::duration<double>(d).count(); }

inline std::size_t frame_bytes(const video::rendition& r) {
  return static_cast<std::size_t>(base_bytes * video::relative_size(r));
}

/// A link and the adapter that sends over it. Each step: the bottleneck
/// delivers what its rate allows, the adapter reads the "socket", then a frame
/// is offered when one is due and, when the adapter takes and starts it, queued.
struct simulated_link {
  simulated_link(adapt_config cfg, double bytes_per_second) : adapter(cfg), rate(bytes_per_second) {}

  link_adapter adapter;
  double rate;  ///< bytes a second the bottleneck carries
  sim_clock::time_point start{std::chrono::hours(1)};
  sim_clock::time_point now = start;
  sim_clock::time_point next_offer = start;
  double queue = 0;      ///< bytes in the bottleneck's queue
  double delivered = 0;  ///< bytes through it, since the start
  /// A standing queue on the way back (the peer's video): the round trip holds
  /// it, and the acknowledgements of what is in flight wait in it.
  std::chrono::milliseconds reverse_queue{0};
  /// Whether the peer answers our pings: every probe interval, each answered a
  /// round trip later with the peer's clock (ahead by `clock_offset`) at its arrival.
  bool pings = false;
  std::chrono::milliseconds probe_interval{50};
  static constexpr std::int64_t clock_offset_us = 123'456'789;
  struct answer {
    sim_clock::time_point at;
    std::int64_t forward_us, rtt_us;
  };
  std::deque<answer> answers;  ///< pongs on their way, earliest first
  sim_clock::time_point next_ping = start;

  // Counted since the last reset_counts().
  std::uint64_t offered = 0, taken = 0, started = 0, held_back = 0;
  double started_bytes = 0;
  std::size_t biggest_frame = 0;
  double worst_queue_s = 0;  ///< the queue's longest drain time right after a frame joined it
  std::map<std::size_t, int> steps_at_rung;

  void reset_counts() {
    offered = taken = started = held_back = 0;
    started_bytes = 0;
    biggest_frame = 0;
    worst_queue_s = 0;
    steps_at_rung.clear();
  }

  chatnode::pacing::tcp_reading reading() const {
    chatnode::pacing::tcp_reading r;
    r.valid = true;
    r.bytes_acked = static_cast<std::uint64_t>(delivered);
    const auto back_us = std::chrono::duration_cast<std::chrono::microseconds>(reverse_queue).count();
    r.rtt_us = min_rtt_us + static_cast<std::uint32_t>(queue / rate * 1e6 + back_us);
    r.min_rtt_us = min_rtt_us;
    r.unsent_bytes = 0;
    r.in_flight_bytes = static_cast<std::uint32_t>(queue + rate * seconds_of(reverse_queue));
    return r;
  }

  void tick() {
    const double out = std::min(queue, rate * seconds_of(step));
    queue -= out;
    delivered += out;
    if (pings && now >= next_ping) {
      next_ping += probe_interval;
      const auto forward_us = static_cast<std::int64_t>(min_rtt_us / 2 + queue / rate * 1e6);
      const auto rtt_us =
          forward_us + min_rtt_us / 2 + std::chrono::duration_cast<std::chrono::microseconds>(reverse_queue).count();
      answers.push_back({now + std::chrono::microseconds(rtt_us), clock_offset_us + forward_us, rtt_us});
    }
    while (!answers.empty() && answers.front().at <= now) {
      adapter.ping_answered(answers.front().forward_us, answers.front().rtt_us, now);
      answers.pop_front();
    }
    adapter.observe(reading(), now);
    if (now >= next_offer) {
      next_offer += frame_interval;
      ++offered;
      if (adapter.take_offered(now, true)) {
        ++taken;
        if (adapter.may_start_frame(now)) {
          const auto picture = adapter.rung().picture;
          const auto bytes = frame_bytes(picture);
          adapter.frame_started(now, bytes, picture);
          queue += static_cast<double>(bytes);
          ++started;
          started_bytes += static_cast<double>(bytes);
          biggest_frame = std::max(biggest_frame, bytes);
        } else {
          ++held_back;
        }
      }
    }
    worst_queue_s = std::max(worst_queue_s, queue / rate);
    ++steps_at_rung[adapter.rung_index()];
    now += step;
  }

  void run_for(sim_clock::duration d) {
    const auto steps = d / step;
    for (std::int64_t i = 0; i < steps; ++i) tick();
  }

  /// Runs at most `limit` until `done()`; false when it never was.
  template <class Done>
  bool run_until(Done done, sim_clock::duration limit) {
    const auto steps = limit / step;
    for (std::int64_t i = 0; i < steps; ++i) {
      if (done()) return true;
      tick();
    }
    return done();
  }

  /// The rung the link spent most steps at since the last reset_counts().
  std::size_t usual_rung() const {
    return std::max_element(steps_at_rung.begin(), steps_at_rung.end(),
                            [](const auto& a, const auto& b) { return a.second < b.second; })
        ->first;
  }
};

}  // namespace link_adapter_test
