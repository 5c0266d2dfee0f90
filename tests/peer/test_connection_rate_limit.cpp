#include <catch2/catch.hpp>

#include "chatnode/peer/connection_rate_limit.hpp"

using chatnode::peer::connection_rate_limit;
using namespace std::chrono_literals;
namespace ip = boost::asio::ip;

TEST_CASE("an address gets its burst at once, then its rate, and others are not affected", "[rate_limit]") {
  connection_rate_limit limit(10, 20);
  const auto t0 = connection_rate_limit::clock::time_point{} + 1h;
  const auto flooder = ip::make_address("10.0.0.1"), other = ip::make_address("10.0.0.2");
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += limit.admit(flooder, t0) ? 1 : 0;
  CHECK(admitted == 20);
  CHECK(limit.admit(other, t0));
  // A second later, ten more.
  admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += limit.admit(flooder, t0 + 1s) ? 1 : 0;
  CHECK(admitted == 10);
  // Idle long enough, the bucket is full again but no fuller than the burst.
  admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += limit.admit(flooder, t0 + 1h) ? 1 : 0;
  CHECK(admitted == 20);
}

TEST_CASE("IPv6 is limited by /64: a network's many addresses are one source", "[rate_limit]") {
  connection_rate_limit limit(1, 1);
  const auto t0 = connection_rate_limit::clock::time_point{} + 1h;
  CHECK(limit.admit(ip::make_address("fd00::1"), t0));
  CHECK_FALSE(limit.admit(ip::make_address("fd00::1"), t0));
  CHECK_FALSE(limit.admit(ip::make_address("fd00::2"), t0));
  CHECK_FALSE(limit.admit(ip::make_address("fd00::ffff:ffff:ffff:ffff"), t0));
  CHECK(limit.admit(ip::make_address("fd00:0:0:1::1"), t0));  // the next /64
}

TEST_CASE("an IPv4 address is one source whether it comes mapped into IPv6 or not", "[rate_limit]") {
  connection_rate_limit limit(1, 1);
  const auto t0 = connection_rate_limit::clock::time_point{} + 1h;
  CHECK(limit.admit(ip::make_address("192.0.2.1"), t0));
  CHECK_FALSE(limit.admit(ip::make_address("::ffff:192.0.2.1"), t0));
  CHECK(limit.admit(ip::make_address("192.0.2.2"), t0));
  CHECK(chatnode::peer::source_key(ip::make_address("::ffff:192.0.2.1")) == ip::make_address("192.0.2.1"));
}

TEST_CASE("with every tracked source busy, the sources not tracked share one bucket", "[rate_limit]") {
  connection_rate_limit limit(10, 2);
  const auto t0 = connection_rate_limit::clock::time_point{} + 1h;
  // A flood from many addresses, each keeping its bucket empty.
  for (std::uint32_t i = 0; i < connection_rate_limit::max_addresses; ++i) {
    const ip::address_v4 a(0x0A000000u + i);
    for (int k = 0; k < 3; ++k) limit.admit(a, t0);
  }
  REQUIRE(limit.tracked() == connection_rate_limit::max_addresses);
  // Ever more new addresses: together they get one burst, not one each.
  int admitted = 0;
  for (std::uint32_t i = 0; i < 1000; ++i) admitted += limit.admit(ip::address_v4(0x0B000000u + i), t0) ? 1 : 0;
  CHECK(admitted == 2);
  CHECK(limit.tracked() == connection_rate_limit::max_addresses);
  // And the shared bucket refills at the rate, like any other.
  admitted = 0;
  for (std::uint32_t i = 0; i < 1000; ++i) admitted += limit.admit(ip::address_v4(0x0C000000u + i), t0 + 100ms) ? 1 : 0;
  CHECK(admitted == 1);
}

TEST_CASE("the addresses tracked stay bounded: idle ones are forgotten", "[rate_limit]") {
  connection_rate_limit limit(10, 2);
  const auto t0 = connection_rate_limit::clock::time_point{} + 1h;
  for (std::uint32_t i = 0; i < connection_rate_limit::max_addresses + 500; ++i)
    limit.admit(ip::address_v4(0x0A000000u + i), t0 + std::chrono::milliseconds(i));
  CHECK(limit.tracked() <= connection_rate_limit::max_addresses);
  // The busy address keeps its empty bucket through the pruning.
  const auto busy = ip::make_address("192.0.2.7");
  const auto t1 = t0 + 10s;
  CHECK(limit.admit(busy, t1));
  CHECK(limit.admit(busy, t1));
  CHECK_FALSE(limit.admit(busy, t1));
}
