// What bench/slow_link measured, and how it is printed (a markdown table) and saved (JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "samples.hpp"

namespace bench::slow_link {

/// How every run's link and load were set up.
struct setup {
  std::vector<double> rates_mbps{1, 2, 5, 10, 20};
  int delay_ms = 50;   ///< one way, each direction
  int queue_ms = 500;  ///< the router's drop-tail buffer, in time at the link's rate
  int warmup_s = 5;
  int seconds = 20;
  std::uint32_t seed = 1;
  bool step = true;
};

/// The router's buffer for `queue_ms` at `bps`: bytes, as a home router's is.
inline std::size_t queue_bytes(std::uint64_t bps, int queue_ms) {
  return static_cast<std::size_t>(bps / 8 * static_cast<std::uint64_t>(queue_ms) / 1000);
}

/// One link rate: an idle pair, then a pair sending 640x480 at 30 fps both ways.
struct rate_result {
  double rate_mbps = 0;
  std::size_t queue_bytes = 0;
  samples idle_rtt_ms;  ///< bob's rtt column, text only
  int lines_sent = 0, lines_received = 0;
  samples text_ms;                                ///< one-way latency of each line bob typed that alice printed
  double frame_p50_ms = NAN, frame_p95_ms = NAN;  ///< alice's row about bob, last sample of the window
  samples rtt_load_ms;                            ///< bob's rtt column under load
  samples goodput_kbps;                           ///< alice's kbps< (what she receives from bob)
  std::string rung = "-", sent = "-";  ///< bob's rung> and sent> towards alice, the most frequent of the samples
  long held = 0;                       ///< bob's held> towards alice, its growth over the window
  samples link_kbps, queue_ms;         ///< bob's estimate of the link and of its queue towards alice
  std::string back_rung = "-", back_sent = "-";  ///< the same for alice towards bob
  double back_frame_p50_ms = NAN;                ///< bob's row about alice, last sample
  int samples_taken = 0;                 ///< /stats rows read from each node in the window (the fewer of the two)
  std::vector<std::string> link_events;  ///< lines that said a peer left, a reconnection or a lost link
  double rtt_ratio() const { return rtt_load_ms.median() / idle_rtt_ms.median(); }
  double goodput_ratio() const { return goodput_kbps.median() / (rate_mbps * 1000); }
};

/// A point of the step test, from the change to 2 Mbit/s.
struct step_point {
  double t_s = 0;
  double queue_ms = NAN, link_kbps = NAN;
  std::string rung, sent;
};

struct step_result {
  double high_mbps = 10, low_mbps = 2;
  std::size_t queue_bytes = 0;
  double line_bound_ms = 0, queue_bound_ms = 100, phase_s = 20, rung_bound_s = 30, confirm_s = 2;
  std::string rung_before, sent_before;   ///< bob towards alice just before the change down
  std::optional<double> within_bounds_s;  ///< from the change down to the last time out of bounds
  int lines = 0, late_lines = 0;          ///< typed in the phase down, and of those late or never printed
  double worst_line_ms = NAN, worst_queue_ms = NAN;
  std::string rung_at_up;                          ///< bob's rung> when the rate went back up
  std::optional<double> rung_zero_s;               ///< from the change up to bob's rung> 0
  std::vector<step_point> points;                  ///< bob's rows about alice, from the change down on
  std::vector<std::pair<double, double>> line_ms;  ///< (typed at, latency; NaN: never printed), from the change down
  std::vector<std::string> link_events;
};

struct report {
  std::string machine;
  setup config;
  std::vector<rate_result> rates;
  std::optional<step_result> step;
  double run_seconds = 0;
};

void print_report(std::ostream& out, const report& r);
void write_json(const std::string& path, const report& r);

}  // namespace bench::slow_link
