// The token bucket that caps connections per source and each origin's video
// on the cluster's bus: a burst up to its depth, then its rate.
#include <catch2/catch.hpp>

#include "chatnode/pacing/token_bucket.hpp"

namespace token_bucket_test {

using namespace std::chrono_literals;
using chatnode::pacing::token_bucket;

TEST_CASE("a token bucket lets its depth through at once, then one token per 1/rate", "[pacing]") {
  const token_bucket::clock::time_point t0{};
  token_bucket b(10, 2, t0);
  CHECK(b.full(t0));
  CHECK(b.take(t0));
  CHECK(b.take(t0));
  CHECK_FALSE(b.take(t0));
  CHECK(b.next_token(t0) == t0 + 100ms);
  CHECK_FALSE(b.take(t0 + 99ms));
  CHECK(b.take(t0 + 100ms));
  CHECK_FALSE(b.full(t0 + 200ms));
  CHECK(b.full(t0 + 300ms));
  // Saving stops at the depth: a long pause buys two tokens, not more.
  CHECK(b.take(t0 + 10s));
  CHECK(b.take(t0 + 10s));
  CHECK_FALSE(b.take(t0 + 10s));
}

TEST_CASE("a token bucket at its rate, with arrivals early and late, lets each through at once", "[pacing]") {
  const token_bucket::clock::time_point t0{};
  token_bucket b(15, 2, t0);
  // 15 a second, every other one 20 ms early and the next 20 ms late.
  for (int k = 0; k < 60; ++k) {
    const auto jitter = (k % 2 == 0) ? -20ms : 20ms;
    CHECK(b.take(t0 + k * 66667us + jitter + 1s));
  }
}

}  // namespace token_bucket_test
