// Our recent pings and what their pongs say. A pong counts only as the answer
// to one of our last pings, once, and only with the peer's times within a day
// of ours and in order: the peer chooses t2 and t3, and must not be able to set
// the round trip or the clock offset to anything (or overflow the arithmetic).
// The clock offset follows NTP's clock filter in miniature: the sample with the
// shortest round trip has the least queueing in it, so its offset is the most
// trustworthy; old samples age out so that a drifting clock is followed.
// Pure: the caller gives the times.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include "chatnode/protocol/messages.hpp"

namespace chatnode::pacing {

class ping_times {
 public:
  using clock = std::chrono::steady_clock;
  /// Pings remembered: at a 50 ms probe interval, a round trip of 1.6 s.
  static constexpr std::size_t remembered = 32;
  /// The offset's best sample is replaced by any newer one after this.
  static constexpr std::chrono::seconds offset_sample_life{16};

  struct answer {
    std::int64_t one_way_us = 0;  ///< t2 - t1: the delay our way plus the clocks' offset
    std::int64_t rtt_us = 0;      ///< the round trip without the peer's own time
    /// The peer's clock minus ours, when this sample is the best so far.
    std::optional<std::int64_t> clock_offset_us;
  };

  /// A ping left at `t1_us` (our wall clock).
  void sent(std::uint64_t t1_us) { unanswered_[sent_++ % remembered] = t1_us; }
  /// A pong arrived at `t4_us` (our wall clock), `now` (steady): what it says, if it counts.
  std::optional<answer> answered(const protocol::pong& p, std::uint64_t t4_us, clock::time_point now);

 private:
  std::array<std::uint64_t, remembered> unanswered_{};  ///< 0 once answered
  std::uint64_t sent_ = 0;
  std::int64_t best_rtt_us_ = -1;
  clock::time_point best_rtt_at_{};
};

}  // namespace chatnode::pacing
