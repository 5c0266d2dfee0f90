#include <catch2/catch.hpp>

#include <set>

#include "chatnode/peer/backoff.hpp"

using chatnode::peer::backoff;
using namespace std::chrono_literals;

TEST_CASE("backoff doubles from 1 s to the 30 s cap, each delay within a fifth of nominal", "[backoff]") {
  const std::chrono::milliseconds nominal[] = {1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s, 30s, 30s};
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    backoff b(seed);
    for (int i = 0; i < 10; ++i) {
      const auto d = b.next();
      INFO("seed " << seed << " attempt " << i + 1 << ": " << d.count() << " ms");
      CHECK(d >= nominal[i] * 4 / 5);
      CHECK(d <= std::min<std::chrono::milliseconds>(nominal[i] * 6 / 5, backoff::cap));
      CHECK(b.attempts() == i + 1);
    }
  }
}

TEST_CASE("backoff starts again at 1 s after a reset", "[backoff]") {
  backoff b(7);
  for (int i = 0; i < 8; ++i) b.next();
  b.reset();
  CHECK(b.attempts() == 0);
  const auto d = b.next();
  CHECK(d >= 800ms);
  CHECK(d <= 1200ms);
}

TEST_CASE("backoff jitter spreads nodes that lost the same listener", "[backoff]") {
  // Twenty nodes, each with its own seed, all retrying for the first time.
  std::set<long> first_delays;
  for (std::uint64_t seed = 100; seed < 120; ++seed) first_delays.insert(backoff(seed).next().count());
  CHECK(first_delays.size() >= 15);
  CHECK(*first_delays.rbegin() - *first_delays.begin() >= 100);
}
