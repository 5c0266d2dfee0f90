// Turns peer counters into rates once a second, and into the status line and
// the /stats table people read.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chatnode/stats/peer_stats.hpp"

namespace chatnode::stats {

/// Derives per-second rates of one peer from successive counter readings.
class rate_tracker {
 public:
  /// Stores fps and kbps (in and out) into `s`, from the counters' change since the last call.
  void update(peer_stats& s, std::chrono::steady_clock::time_point now);

 private:
  bool primed_ = false;
  std::chrono::steady_clock::time_point last_;
  std::uint64_t frames_in_ = 0, frames_out_ = 0, bytes_in_ = 0, bytes_out_ = 0;
};

struct peer_view {
  int id;
  std::string name;
  std::string address;
  std::shared_ptr<const peer_stats> stats;  ///< kept alive while the view is read, even if the peer leaves
};

/// ffmpeg-style one-liner over all peers: "frame= 1234 fps= 30.0 in= 2400kbps ... peers=2", then, when
/// `source_fps` > 0, the rate our own video source plays at ("src=10fps"; what each peer is sent is /stats's fps>).
std::string status_line(const std::vector<peer_view>& peers, double source_fps);
/// How the link to a peer adapts, in a few words: "1.9Mbps q=12ms r5 q50/320x240" (rate, queueing, rung, last frame).
std::string link_summary(const peer_stats& s);
/// A table with one row per peer and every counter, for /stats.
std::string stats_table(const std::vector<peer_view>& peers);

}  // namespace chatnode::stats
