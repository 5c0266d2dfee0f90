// Counters of one peer link. Written by the session's strand and the decode
// thread, read from anywhere (status line, /stats): relaxed atomics, since each
// value is independent and only needs to be untorn.
#pragma once

#include <atomic>
#include <cstdint>

#include "chatnode/stats/latency_window.hpp"

namespace chatnode::stats {

struct peer_stats {
  std::atomic<std::uint64_t> bytes_sent{0}, bytes_received{0};
  std::atomic<std::uint64_t> texts_sent{0}, texts_received{0};
  std::atomic<std::uint64_t> frames_sent{0};      ///< whole frames written to the socket
  std::atomic<std::uint64_t> frames_received{0};  ///< whole frames reassembled
  std::atomic<std::uint64_t> frames_decoded{0};
  std::atomic<std::uint64_t> frames_replaced{0};     ///< outgoing: a newer frame took an unsent one's place
  std::atomic<std::uint64_t> frames_held{0};         ///< outgoing: skipped, the link's queue would not drain in time
  std::atomic<std::uint64_t> frames_skipped{0};      ///< incoming: the decoder was busy and a newer frame came
  std::atomic<std::uint64_t> frames_undecodable{0};  ///< incoming: not a valid JPEG
  std::atomic<std::int64_t> rtt_us{-1};              ///< latest round trip, -1 until measured
  std::atomic<std::int64_t> clock_offset_us{0};      ///< peer clock minus ours, from the best recent sample
  std::atomic<int> width{0}, height{0};              ///< of the last decoded frame

  /// Outgoing, as the link adapts (peer/link_adapter.hpp): the link's rate
  /// estimate and queueing, its rung, and what the last frame of ours sent was.
  std::atomic<double> link_kbps{0};  ///< 0 until measured
  std::atomic<double> queue_ms{0};
  std::atomic<int> rung{0};  ///< 0: what the user asked for; higher gives way more
  std::atomic<int> sent_quality{0}, sent_width{0}, sent_height{0};  ///< 0 until a frame of ours went

  /// Rates over the last second, refreshed by the node's statistics timer.
  std::atomic<double> fps_in{0}, fps_out{0}, kbps_in{0}, kbps_out{0};

  /// Capture (on the peer) to decoded (here), corrected for the clock offset.
  latency_window latency_us;
};

}  // namespace chatnode::stats
