// pacing::one_way_delay: the queue on the way to the peer, from pings' send
// and arrival times on two clocks whose offset is unknown.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

#include "chatnode/pacing/one_way_delay.hpp"

namespace one_way_delay_test {

using namespace std::chrono_literals;
using chatnode::pacing::one_way_delay;

const one_way_delay::clock::time_point first_ping{std::chrono::hours(1)};
/// The peer's clock runs this far ahead of ours: any offset, even one larger than the delay, cancels.
constexpr std::int64_t offset_us = 7'000'000;
constexpr std::int64_t link_us = 50'000;  ///< the link's own delay, each way

/// A ping that waited `queued_us` on the way out and `back_us` on the way back.
void answer(one_way_delay& d, one_way_delay::clock::time_point at, std::int64_t queued_us, std::int64_t back_us = 0) {
  d.observe(offset_us + link_us + queued_us, 2 * link_us + queued_us + back_us, at);
}

}  // namespace one_way_delay_test

using namespace one_way_delay_test;

TEST_CASE("one_way_delay: nothing is known before a ping is answered", "[pacing][one_way_delay]") {
  one_way_delay d;
  CHECK_FALSE(d.queueing(first_ping).has_value());
}

TEST_CASE("one_way_delay: the queue is the delay above the least seen, whatever the clocks' offset",
          "[pacing][one_way_delay]") {
  one_way_delay d;
  answer(d, first_ping, 0);
  CHECK(d.queueing(first_ping) == 0us);
  answer(d, first_ping + 50ms, 30'000);
  CHECK(d.queueing(first_ping + 50ms) == 30ms);
  answer(d, first_ping + 100ms, 5'000);
  CHECK(d.queueing(first_ping + 100ms) == 5ms);
}

TEST_CASE("one_way_delay: a queue on the way back is not ours", "[pacing][one_way_delay]") {
  one_way_delay d;
  answer(d, first_ping, 0);
  // The round trip grows by 300 ms, all of it in the peer's direction.
  answer(d, first_ping + 50ms, 0, 300'000);
  CHECK(d.queueing(first_ping + 50ms) == 0us);
  answer(d, first_ping + 100ms, 20'000, 300'000);
  CHECK(d.queueing(first_ping + 100ms) == 20ms);
}

TEST_CASE("one_way_delay: a clock stepped forward makes no queue beyond the round trip's", "[pacing][one_way_delay]") {
  one_way_delay d;
  answer(d, first_ping, 0);
  // The peer's clock jumps 10 s ahead; the round trip, on one clock each side, stays.
  d.observe(offset_us + 10'000'000 + link_us, 2 * link_us, first_ping + 50ms);
  CHECK(d.queueing(first_ping + 50ms) == 0us);
  d.observe(offset_us + 10'000'000 + link_us + 40'000, 2 * link_us + 40'000, first_ping + 100ms);
  CHECK(d.queueing(first_ping + 100ms) == 40ms);
}

TEST_CASE("one_way_delay: an old measure says nothing", "[pacing][one_way_delay]") {
  one_way_delay d;
  answer(d, first_ping, 10'000);
  CHECK(d.queueing(first_ping + one_way_delay::fresh_for).has_value());
  CHECK_FALSE(d.queueing(first_ping + one_way_delay::fresh_for + 1ms).has_value());
}

TEST_CASE("one_way_delay: the least ages out after its buckets, so a longer path is followed",
          "[pacing][one_way_delay]") {
  one_way_delay d;
  answer(d, first_ping, 0);
  // The route changes: 10 ms longer each way. Until the old least ages out
  // that reads as a queue; then the new path is the base.
  const std::int64_t longer = 10'000;
  const auto span = one_way_delay::bucket * static_cast<int>(one_way_delay::buckets);
  auto t = first_ping;
  for (int i = 1; i * 100ms <= span + one_way_delay::bucket; ++i) {
    t = first_ping + i * 100ms;
    d.observe(offset_us + link_us + longer, 2 * (link_us + longer), t);
    if (t - first_ping < span - one_way_delay::bucket) REQUIRE(d.queueing(t) == 10ms);
  }
  CHECK(d.queueing(t) == 0us);
}
