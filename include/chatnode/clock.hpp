// Time stamps as they travel on the wire (wall clock) and as stages are timed (steady clock).
#pragma once

#include <chrono>
#include <cstdint>

namespace chatnode {

/// Wall-clock microseconds since the Unix epoch: comparable across hosts once
/// the clock offset estimated from ping/pong is applied.
inline std::uint64_t wall_us() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

/// Monotonic nanoseconds, for timing stages within one process.
inline std::int64_t steady_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace chatnode
