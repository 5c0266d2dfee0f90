// pacing::link_meter: a link's rate from what the peer acknowledged, the delay
// a byte written now would see, and the kernel's unsent limit for that rate.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

#include "chatnode/pacing/link_meter.hpp"
#include "chatnode/pacing/tcp_probe.hpp"

namespace link_meter_test {

using namespace std::chrono_literals;
using chatnode::pacing::link_meter;
using chatnode::pacing::tcp_reading;

/// Far from the clock's epoch, which the code under test may treat as "never".
const link_meter::clock::time_point t0{std::chrono::hours(1)};

/// In flight by default: more than any queue here takes to drain, so only the round trip bounds it.
tcp_reading reading(std::uint64_t bytes_acked, std::uint32_t rtt_us = 20'000, std::uint32_t min_rtt_us = 20'000,
                    std::uint32_t unsent_bytes = 0, std::uint32_t in_flight_bytes = 10'000'000) {
  tcp_reading r;
  r.valid = true;
  r.bytes_acked = bytes_acked;
  r.rtt_us = rtt_us;
  r.min_rtt_us = min_rtt_us;
  r.unsent_bytes = unsent_bytes;
  r.in_flight_bytes = in_flight_bytes;
  return r;
}

/// Readings every 10 ms over [from, from + length] at `bytes_per_second`,
/// starting from `acked` bytes; returns the bytes acknowledged at the end.
std::uint64_t feed(link_meter& m, link_meter::clock::time_point from, std::chrono::milliseconds length,
                   std::uint64_t bytes_per_second, std::uint64_t acked = 0) {
  const std::uint64_t per_step = bytes_per_second / 100;
  for (std::int64_t i = 0; i <= length / 10ms; ++i) {
    m.observe(reading(acked), from + i * 10ms);
    acked += per_step;
  }
  return acked - per_step;
}

}  // namespace link_meter_test

using namespace link_meter_test;

TEST_CASE("The link meter's rate is what the peer acknowledged a second over the last window", "[pacing][link_meter]") {
  link_meter m;
  feed(m, t0, 3000ms, 100'000);
  CHECK(m.rate() == Approx(100'000).epsilon(1e-9));
  CHECK(m.rate(250ms) == Approx(100'000).epsilon(1e-9));
}

TEST_CASE("A shorter window sees only the link's latest rate", "[pacing][link_meter]") {
  link_meter m;
  const auto acked = feed(m, t0, 2000ms, 100'000);
  // The last quarter second at four times the rate.
  feed(m, t0 + 2000ms, 250ms, 400'000, acked);
  CHECK(m.rate(250ms) == Approx(400'000).epsilon(1e-9));
  // The whole second: three quarters at 100 000 and one at 400 000.
  CHECK(m.rate() == Approx(175'000).epsilon(1e-9));
}

TEST_CASE("The link meter gives no rate before a tenth of the window is measured", "[pacing][link_meter]") {
  link_meter m;
  CHECK(m.rate() == 0);
  m.observe(reading(0), t0);
  CHECK(m.rate() == 0);
  m.observe(reading(5'000), t0 + 50ms);
  m.observe(reading(9'900), t0 + 99ms);
  CHECK(m.rate() == 0);
  // A tenth of a 250 ms window is measured already.
  CHECK(m.rate(250ms) == Approx(100'000));
  m.observe(reading(10'000), t0 + 100ms);
  CHECK(m.rate() == Approx(100'000));
}

TEST_CASE("The link meter ignores a reading the kernel did not give", "[pacing][link_meter]") {
  link_meter m;
  feed(m, t0, 1000ms, 100'000);
  auto bad = reading(50'000'000, 900'000, 20'000, 1'000'000);
  bad.valid = false;
  m.observe(bad, t0 + 1010ms);
  CHECK(m.rate() == Approx(100'000));
  CHECK(m.queue_delay() == 0us);
  CHECK(m.least_rtt() == 20ms);
}

TEST_CASE("Queue delay counts the unsent bytes at the given rate", "[pacing][link_meter]") {
  link_meter m;
  m.observe(reading(0, 20'000, 20'000, 10'000), t0);
  CHECK(m.queue_delay(100'000) == 100ms);
  CHECK(m.queue_delay(1'000'000) == 10ms);
}

TEST_CASE("Queue delay without a rate given uses the measured rate", "[pacing][link_meter]") {
  link_meter m;
  const auto acked = feed(m, t0, 1000ms, 100'000);
  m.observe(reading(acked + 1'000, 20'000, 20'000, 5'000), t0 + 1010ms);
  REQUIRE(m.rate() == Approx(100'000));
  CHECK(m.queue_delay() == m.queue_delay(m.rate()));
  CHECK(m.queue_delay() >= 49ms);
  CHECK(m.queue_delay() <= 51ms);
}

TEST_CASE("Queue delay counts the round trip above its least, less the delayed ACK", "[pacing][link_meter]") {
  link_meter m;
  m.observe(reading(0, 100'000, 20'000), t0);
  CHECK(m.network_delay(100'000) == 80ms - link_meter::delayed_ack);
  CHECK(m.queue_delay(100'000) == 80ms - link_meter::delayed_ack);
  m.observe(reading(0, 150'000, 20'000, 10'000), t0 + 10ms);
  CHECK(m.queue_delay(100'000) == 100ms + (130ms - link_meter::delayed_ack));  // unsent, then the network's queue
}

TEST_CASE("A round trip within the delayed ACK of its least is no queue", "[pacing][link_meter]") {
  link_meter m;
  m.observe(reading(0, 20'000, 20'000), t0);
  CHECK(m.queue_delay(100'000) == 0us);
  const auto allowed = static_cast<std::uint32_t>(std::chrono::microseconds(link_meter::delayed_ack).count());
  m.observe(reading(0, 20'000 + allowed - 1'000, 20'000), t0 + 10ms);
  CHECK(m.queue_delay(100'000) == 0us);
  m.observe(reading(0, 20'000 + allowed + 1'000, 20'000), t0 + 20ms);
  CHECK(m.queue_delay(100'000) == 1ms);
}

TEST_CASE("The unsent limit is about 10 ms of the rate within 4 KiB and 128 KiB", "[pacing][link_meter]") {
  CHECK(link_meter::unsent_limit(0) == 8 * 1024);  // not measured yet
  CHECK(link_meter::unsent_limit(-1) == 8 * 1024);
  CHECK(link_meter::unsent_limit(1) == 4 * 1024);
  CHECK(link_meter::unsent_limit(100'000) == 4 * 1024);
  CHECK(link_meter::unsent_limit(1'000'000) == 10'000);
  CHECK(link_meter::unsent_limit(5'000'000) == 50'000);
  CHECK(link_meter::unsent_limit(100'000'000) == 128 * 1024);
  CHECK(link_meter::unsent_limit(1e12) == 128 * 1024);
}

TEST_CASE("The unsent limit changes first at once, then only when it moves by more than a quarter",
          "[pacing][link_meter]") {
  link_meter m;
  CHECK(m.unsent_limit_change(1'000'000) == std::optional<std::size_t>(10'000));
  CHECK(m.unsent_limit_change(1'000'000) == std::nullopt);
  CHECK(m.unsent_limit_change(1'200'000) == std::nullopt);
  CHECK(m.unsent_limit_change(800'000) == std::nullopt);
  CHECK(m.unsent_limit_change(1'300'000) == std::optional<std::size_t>(13'000));
  // Counted from the limit set last, not the first.
  CHECK(m.unsent_limit_change(1'200'000) == std::nullopt);
  CHECK(m.unsent_limit_change(900'000) == std::optional<std::size_t>(9'000));
  // Rates below the clamp give the same limit, so no change.
  CHECK(m.unsent_limit_change(200'000) == std::optional<std::size_t>(4 * 1024));
  CHECK(m.unsent_limit_change(100'000) == std::nullopt);
}

TEST_CASE("What is no longer in flight queues nowhere, however high the smoothed round trip", "[pacing][link_meter]") {
  link_meter m;
  // A burst made the round trip 300 ms; all of it is acknowledged, and no
  // acknowledgement has come since to bring the smoothed value down.
  m.observe(reading(0, 300'000, 20'000, 0, 0), t0);
  CHECK(m.network_delay(100'000) == 0us);
  CHECK(m.queue_delay(100'000) == 0us);
}

TEST_CASE("The network's queue is at most what our bytes in flight take at the rate", "[pacing][link_meter]") {
  link_meter m;
  m.observe(reading(0, 300'000, 20'000, 0, 2'000), t0);
  CHECK(m.network_delay(100'000) == 20ms);                       // 2 000 bytes at 100 000 a second
  CHECK(m.network_delay(0) == 280ms - link_meter::delayed_ack);  // no rate: the round trip alone
}
