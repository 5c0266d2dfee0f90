// How long a frame written now waits in the network on its way to the peer,
// from our pings: a ping carries our clock when it left (t1), its pong the
// peer's clock when it arrived (t2). t2 - t1 is the one-way delay plus the
// clocks' offset, which is unknown but steady, so its least over the last half
// minute is the link's own delay and what lies above it is queueing, in this
// direction only (LEDBAT's base delay, RFC 6817). The round trip cannot tell
// the two directions apart: on a link with video both ways it carries the
// peer's queue too, and a sender reading it would give way to video it does
// not send. Pure: the caller gives the times.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

namespace chatnode::pacing {

class one_way_delay {
 public:
  using clock = std::chrono::steady_clock;

  /// The least of the last `buckets` buckets of this long is the base: long
  /// enough to hold a moment with the queue drained, short enough to follow
  /// the clocks' drift (a few microseconds a second at most).
  static constexpr std::chrono::seconds bucket{5};
  static constexpr std::size_t buckets = 6;
  /// A measure older than this says nothing of the queue now.
  static constexpr std::chrono::milliseconds fresh_for{500};

  /// One answered ping, at `now`: `forward_us` = t2 - t1 (the peer's clock at
  /// arrival less ours at leaving), `rtt_us` its round trip.
  void observe(std::int64_t forward_us, std::int64_t rtt_us, clock::time_point now);

  /// The queueing on the way to the peer at the last answered ping, if that
  /// one is fresh. Never more than the round trip above its least: a clock
  /// stepped on either side cannot make a queue of seconds appear.
  std::optional<std::chrono::microseconds> queueing(clock::time_point now) const;

 private:
  struct least {
    clock::time_point since{};
    std::int64_t forward = 0;
    std::int64_t rtt = 0;
  };
  std::array<least, buckets> least_{};  ///< ring of buckets, the newest at newest_
  std::size_t newest_ = 0;
  std::size_t filled_ = 0;
  clock::time_point last_at_{};
  std::int64_t last_forward_ = 0;
  std::int64_t last_rtt_ = 0;
};

}  // namespace chatnode::pacing
