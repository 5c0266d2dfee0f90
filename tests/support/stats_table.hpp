// Reading a node's /stats table from its standard output.
#pragma once

#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace test_support {

// Columns of the /stats table (see chatnode::stats::stats_table).
constexpr int rtt_col = 2;
constexpr int frames_sent_col = 4;
constexpr int frames_received_col = 5;
constexpr int dropped_col = 8;
constexpr int skipped_col = 9;
constexpr int undecodable_col = 10;
constexpr int kbps_sent_col = 11;
constexpr int kbps_received_col = 12;
constexpr int latency_p50_col = 13;
constexpr int latency_p95_col = 14;
constexpr int latency_p99_col = 15;
constexpr int link_kbps_col = 16;  ///< the sender's estimate of its link's rate
constexpr int queue_col = 17;      ///< ms a byte sent now waits
constexpr int rung_col = 18;       ///< 0: full quality
constexpr int held_col = 19;       ///< frames the link could not take in time
constexpr int sent_col = 20;       ///< our last frame to the peer, "q90/640x480"

/// A /stats row split into its columns.
std::vector<std::string> stats_columns(const std::string& row);
/// Asks `p` for /stats and returns the columns of the new row about `peer`.
std::vector<std::string> stats_row(child_process& p, const std::string& peer);
/// One column of a fresh /stats row, as a number.
long stats_value(child_process& p, const std::string& peer, int column);
/// Polls /stats (bounded by default_wait) until `done(value)` holds for the column; returns the last value.
long wait_for_stat(child_process& p, const std::string& peer, int column, const std::function<bool(long)>& done);

}  // namespace test_support
