#include <catch2/catch.hpp>

#include "chatnode/log_throttle.hpp"

using namespace std::chrono_literals;

TEST_CASE("log_throttle lets the first line of each interval through and holds back the rest", "[log]") {
  chatnode::log_throttle throttle(1s);
  const auto t0 = chatnode::log_throttle::clock::time_point{} + 5s;
  CHECK(throttle.allow(t0));
  CHECK_FALSE(throttle.allow(t0));
  CHECK_FALSE(throttle.allow(t0 + 999ms));
  CHECK(throttle.allow(t0 + 1s));
  CHECK_FALSE(throttle.allow(t0 + 1500ms));
  CHECK(throttle.allow(t0 + 10s));
}

TEST_CASE("log_throttle allows its first line whatever the clock reads", "[log]") {
  chatnode::log_throttle throttle(1h);
  CHECK(throttle.allow(chatnode::log_throttle::clock::time_point{}));
  CHECK_FALSE(throttle.allow(chatnode::log_throttle::clock::time_point{} + 59min));
}
