// Counters of one peer link. Written on the session's strand, read from any
// thread (status line, /stats), hence atomics with relaxed ordering: each
// value is independent and only needs to be untorn.
#pragma once

#include <atomic>
#include <cstdint>

namespace chatnode::stats {

struct peer_stats {
  std::atomic<std::uint64_t> bytes_sent{0}, bytes_received{0};
  std::atomic<std::uint64_t> texts_sent{0}, texts_received{0};
  std::atomic<std::uint64_t> frames_sent{0}, frames_received{0};
  std::atomic<std::uint64_t> frames_replaced{0};     ///< latest-frame-wins drops towards this peer
  std::atomic<std::uint64_t> frames_undecodable{0};  ///< received but not a valid JPEG
  std::atomic<std::int64_t> rtt_us{-1};              ///< best recent round trip, -1 until measured
  std::atomic<std::int64_t> clock_offset_us{0};      ///< peer clock minus ours, from the same sample
};

}  // namespace chatnode::stats
