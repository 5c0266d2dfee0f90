#include "processes.hpp"

#include <cmath>
#include <stdexcept>

#include "process_usage.hpp"
#include "support/child_process.hpp"
#include "support/stats_table.hpp"

namespace bench {
namespace {

using test_support::child_process;

double ms_column(const std::vector<std::string>& row, int column) {
  const auto& v = row[static_cast<std::size_t>(column)];
  return v == "-" ? NAN : std::stod(v);
}

// Latency and rate columns of the /stats table (see chatnode::stats::stats_table).
constexpr int p50_col = test_support::latency_p50_col, p95_col = test_support::latency_p95_col,
              p99_col = test_support::latency_p99_col;

}  // namespace

pipeline_run run_processes(const run_spec& spec) {
  using namespace test_support;
  const auto size = std::to_string(spec.width) + "x" + std::to_string(spec.height);
  auto sender = start_listener("sender", {"--test-pattern", "--size", size, "--fps", std::to_string(spec.fps),
                                          "--quality", std::to_string(spec.quality)});
  auto receiver = start_connector(sender.port, "receiver", {"--receive-only"});
  auto& tx = *sender.process;
  auto& rx = *receiver;

  if (!rx.wait_for(child_process::stream::out, "* sender (") ||
      !tx.wait_for(child_process::stream::out, "* receiver ("))
    throw std::runtime_error("the two chat_node processes did not connect:\n" +
                             rx.transcript(child_process::stream::err));
  const auto frames_at_least = [](long n) { return [n](long v) { return v >= n; }; };
  wait_for_stat(rx, "sender", frames_received_col, frames_at_least(spec.warmup_frames));

  const double tx_cpu0 = cpu_seconds(tx.pid()), rx_cpu0 = cpu_seconds(rx.pid());
  const auto t0 = std::chrono::steady_clock::now();
  const long f0 = stats_value(rx, "sender", frames_received_col);
  const long f1 = wait_for_stat(rx, "sender", frames_received_col, frames_at_least(f0 + spec.frames));
  const auto t1 = std::chrono::steady_clock::now();
  const double tx_cpu1 = cpu_seconds(tx.pid()), rx_cpu1 = cpu_seconds(rx.pid());
  const auto rx_row = stats_row(rx, "sender");
  const auto tx_row = stats_row(tx, "receiver");

  auto r = measured_run("processes", spec, t1 - t0);
  r.frames = static_cast<std::size_t>(f1 - f0);
  r.bytes = NAN;  // the receiver reports no byte count of its own for the window
  // The receiver's window of its latest 512 frames.
  r.latency = {ms_column(rx_row, p50_col), ms_column(rx_row, p95_col), ms_column(rx_row, p99_col), NAN};
  r.dropped = std::stoul(tx_row[dropped_col]) + std::stoul(rx_row[skipped_col]) + std::stoul(rx_row[undecodable_col]);
  const double frames = r.frames ? static_cast<double>(r.frames) : 1;
  r.cpu_s_per_frame["sender"] = (tx_cpu1 - tx_cpu0) / frames;
  r.cpu_s_per_frame["receiver"] = (rx_cpu1 - rx_cpu0) / frames;
  r.peak_rss_kib["sender"] = peak_rss_kib(tx.pid());
  r.peak_rss_kib["receiver"] = peak_rss_kib(rx.pid());
  return r;
}

}  // namespace bench
