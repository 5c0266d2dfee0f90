#include <catch2/catch.hpp>

#include "chatnode/pacing/ping_times.hpp"

namespace ping_times_test {

using chatnode::pacing::ping_times;
using chatnode::protocol::pong;
using namespace std::chrono_literals;

constexpr std::uint64_t t0 = 1'700'000'000'000'000ull;  // our wall clock, in µs
const auto steady0 = ping_times::clock::time_point{} + 1h;

}  // namespace ping_times_test

using namespace ping_times_test;

TEST_CASE("a pong answers one of our pings once: round trip, one way and the clock offset", "[ping_times]") {
  ping_times pings;
  pings.sent(t0);
  // The peer's clock is 5 ms ahead; 20 ms each way; it held the ping 1 ms.
  const pong p{t0, t0 + 25'000, t0 + 26'000};
  const auto a = pings.answered(p, t0 + 41'000, steady0);
  REQUIRE(a);
  CHECK(a->rtt_us == 40'000);
  CHECK(a->one_way_us == 25'000);
  REQUIRE(a->clock_offset_us);
  CHECK(*a->clock_offset_us == 5'000);
  // The same pong again, or one for a ping never sent, counts for nothing.
  CHECK_FALSE(pings.answered(p, t0 + 42'000, steady0));
  CHECK_FALSE(pings.answered({t0 + 7, t0 + 8, t0 + 9}, t0 + 50, steady0));
  CHECK_FALSE(pings.answered({0, 0, 0}, t0, steady0));
}

TEST_CASE("the peer's times must be near ours and in order", "[ping_times]") {
  ping_times pings;
  constexpr std::uint64_t day = 86'400'000'000ull;
  for (std::uint64_t i = 1; i <= 4; ++i) pings.sent(t0 + i);
  CHECK_FALSE(pings.answered({t0 + 1, t0 + 2 * day, t0 + 2 * day}, t0 + 100, steady0));  // t2 a day off
  CHECK_FALSE(pings.answered({t0 + 2, t0 + 60, t0 + 50}, t0 + 100, steady0));            // t3 before t2
  CHECK_FALSE(pings.answered({t0 + 3, t0 + 10, t0 + 20}, t0, steady0));                  // back before it left
  // And a pong that was refused has used up its ping: the same ping cannot be answered again.
  CHECK_FALSE(pings.answered({t0 + 1, t0 + 10, t0 + 20}, t0 + 100, steady0));
  CHECK(pings.answered({t0 + 4, t0 + 10, t0 + 20}, t0 + 100, steady0));
}

TEST_CASE("the clock offset comes from the shortest round trip, until that sample ages out", "[ping_times]") {
  ping_times pings;
  // A quick sample: 10 ms round trip, offset 0.
  pings.sent(t0);
  REQUIRE(pings.answered({t0, t0 + 5'000, t0 + 5'000}, t0 + 10'000, steady0)->clock_offset_us == 0);
  // A queued one: 200 ms, its offset skewed. Not taken.
  pings.sent(t0 + 1'000'000);
  const auto queued = pings.answered({t0 + 1'000'000, t0 + 1'190'000, t0 + 1'190'000}, t0 + 1'200'000, steady0 + 1s);
  REQUIRE(queued);
  CHECK(queued->rtt_us == 200'000);
  CHECK_FALSE(queued->clock_offset_us);
  // Past the sample's life any answer replaces it.
  pings.sent(t0 + 20'000'000);
  const auto later = pings.answered({t0 + 20'000'000, t0 + 20'150'000, t0 + 20'150'000}, t0 + 20'200'000,
                                    steady0 + ping_times::offset_sample_life + 1s);
  REQUIRE(later);
  REQUIRE(later->clock_offset_us);
  CHECK(*later->clock_offset_us == 50'000);
}

TEST_CASE("only the last pings are remembered", "[ping_times]") {
  ping_times pings;
  for (std::uint64_t i = 1; i <= ping_times::remembered + 1; ++i) pings.sent(t0 + i);
  CHECK_FALSE(pings.answered({t0 + 1, t0 + 100, t0 + 100}, t0 + 200, steady0));  // overwritten
  CHECK(pings.answered({t0 + 2, t0 + 100, t0 + 100}, t0 + 200, steady0));
}
