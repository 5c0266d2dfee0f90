#include "slow_link_runs.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include "slow_link_pair.hpp"
#include "support/stats_table.hpp"

namespace bench::slow_link {
namespace {

using namespace std::chrono_literals;

// Columns of the /stats table; ">" what the row's node sends, "<" what it receives.
using test_support::held_col, test_support::latency_p50_col, test_support::latency_p95_col, test_support::link_kbps_col,
    test_support::queue_col, test_support::rtt_col, test_support::rung_col, test_support::sent_col;
constexpr int kbps_in_col = test_support::kbps_received_col;

const std::vector<std::string> video = {"--test-pattern", "--size", "640x480", "--fps", "30"};
/// The idle pair: long enough for four of each node's pings (one every 2 s), read twice a second.
constexpr auto idle_time = 8s;
/// How long the lines still in flight when typing stops may take to arrive.
constexpr auto drain_bound = 10s;

double number(const stats_sample& s, int col) {
  const auto& v = s.cols[static_cast<std::size_t>(col)];
  return v == "-" ? NAN : std::stod(v);
}

double seconds_between(clock::time_point from, clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double ms_between(clock::time_point from, clock::time_point to) { return seconds_between(from, to) * 1000; }

std::string most_frequent(const std::vector<stats_sample>& rows, int col) {
  std::map<std::string, int> count;
  for (const auto& r : rows) ++count[r.cols[static_cast<std::size_t>(col)]];
  std::string best = "-";
  int most = 0;
  for (const auto& [v, n] : count)
    if (n > most) best = v, most = n;
  return best;
}

emulated_link make_link(const setup& s, std::uint64_t bps, std::size_t queue) {
  return emulated_link({.delay = std::chrono::milliseconds(s.delay_ms), .rate_bps = bps, .queue_bytes = queue});
}

void idle_round_trip(const emulated_link& link, const setup& s, rate_result& r) {
  auto pair = start_pair(link, {"--no-video"});
  pair_watch watch(pair, s.seed);
  watch.set_sampling(500ms);
  watch.run_until(clock::now() + idle_time);
  for (const auto& row : watch.bob_rows())
    if (const double v = number(row, rtt_col); !std::isnan(v)) r.idle_rtt_ms.add(v);
}

void loaded(const emulated_link& link, const setup& s, rate_result& r) {
  auto pair = start_pair(link, video);
  pair_watch watch(pair, s.seed);
  watch.run_until(clock::now() + std::chrono::seconds(s.warmup_s));
  const auto mark = watch.mark();
  watch.set_typing(true);
  watch.set_sampling(1s);
  watch.run_until(clock::now() + std::chrono::seconds(s.seconds));
  watch.set_typing(false);
  watch.set_sampling(0s);
  // What is still in flight arrives; the /stats asked for last are answered meanwhile.
  watch.drain(drain_bound);
  r.link_events = watch.link_events(mark);

  for (const auto& t : watch.typed()) {
    ++r.lines_sent;
    if (!t.arrived) continue;
    ++r.lines_received;
    r.text_ms.add(ms_between(t.sent, *t.arrived));
  }
  const auto& alice = watch.alice_rows();
  const auto& bob = watch.bob_rows();
  r.samples_taken = static_cast<int>(std::min(alice.size(), bob.size()));
  if (alice.empty() || bob.empty()) return;
  r.frame_p50_ms = number(alice.back(), latency_p50_col);
  r.frame_p95_ms = number(alice.back(), latency_p95_col);
  r.back_frame_p50_ms = number(bob.back(), latency_p50_col);
  for (const auto& row : alice) r.goodput_kbps.add(number(row, kbps_in_col));
  for (const auto& row : bob) {
    if (const double v = number(row, rtt_col); !std::isnan(v)) r.rtt_load_ms.add(v);
    r.link_kbps.add(number(row, link_kbps_col));
    r.queue_ms.add(number(row, queue_col));
  }
  r.rung = most_frequent(bob, rung_col);
  r.sent = most_frequent(bob, sent_col);
  r.back_rung = most_frequent(alice, rung_col);
  r.back_sent = most_frequent(alice, sent_col);
  r.held = std::stol(bob.back().cols[static_cast<std::size_t>(held_col)]) -
           std::stol(bob.front().cols[static_cast<std::size_t>(held_col)]);
}

/// The phase down: from the change, the earliest time after which every line typed arrived
/// within the bound and every queue> bob reported was within its own. Needs `confirm_s` of
/// observations in bounds after it before the phase ends to count.
void judge_phase_down(const pair_watch& watch, clock::time_point change, step_result& r) {
  std::vector<std::pair<double, bool>> seen;  // (seconds from the change, in bounds)
  for (const auto& t : watch.typed()) {
    const double at = seconds_between(change, t.sent);
    if (at < 0) continue;
    const double ms = t.arrived ? ms_between(t.sent, *t.arrived) : NAN;
    r.line_ms.emplace_back(at, ms);
    if (at >= r.phase_s) continue;
    const bool ok = !std::isnan(ms) && ms <= r.line_bound_ms;
    ++r.lines;
    r.late_lines += ok ? 0 : 1;
    r.worst_line_ms = std::isnan(ms) ? INFINITY : std::isnan(r.worst_line_ms) ? ms : std::max(r.worst_line_ms, ms);
    seen.emplace_back(at, ok);
  }
  for (const auto& row : watch.bob_rows()) {
    const double at = seconds_between(change, row.at);
    if (at < 0) continue;
    r.points.push_back({at, number(row, queue_col), number(row, link_kbps_col),
                        row.cols[static_cast<std::size_t>(rung_col)], row.cols[static_cast<std::size_t>(sent_col)]});
    if (at >= r.phase_s) continue;
    const double q = number(row, queue_col);
    r.worst_queue_ms = std::isnan(r.worst_queue_ms) ? q : std::max(r.worst_queue_ms, q);
    seen.emplace_back(at, q <= r.queue_bound_ms);
  }
  std::sort(seen.begin(), seen.end());
  const auto last_bad = std::find_if(seen.rbegin(), seen.rend(), [](const auto& o) { return !o.second; });
  if (last_bad == seen.rend()) {
    r.within_bounds_s = 0;
    return;
  }
  const auto first_good = last_bad.base();  // the observation after the last one out of bounds
  if (first_good != seen.end() && first_good->first <= r.phase_s - r.confirm_s) r.within_bounds_s = first_good->first;
}

}  // namespace

rate_result measure_rate(const setup& s, double rate_mbps) {
  rate_result r;
  r.rate_mbps = rate_mbps;
  const auto bps = static_cast<std::uint64_t>(rate_mbps * 1e6);
  r.queue_bytes = queue_bytes(bps, s.queue_ms);
  const auto link = make_link(s, bps, r.queue_bytes);
  std::cerr << "slow_link: " << rate_mbps << " Mbit/s: idle round trip\n";
  idle_round_trip(link, s, r);
  std::cerr << "slow_link: " << rate_mbps << " Mbit/s: video both ways, " << s.warmup_s << " s warm-up, " << s.seconds
            << " s measured\n";
  loaded(link, s, r);
  return r;
}

step_result measure_step(const setup& s) {
  step_result r;
  const auto high = static_cast<std::uint64_t>(r.high_mbps * 1e6), low = static_cast<std::uint64_t>(r.low_mbps * 1e6);
  // A home router's buffer is bytes: 500 ms (--queue-ms) at the low rate, kept through the whole test
  // (at the high rate the same bytes drain in a fifth of the time).
  r.queue_bytes = queue_bytes(low, s.queue_ms);
  r.line_bound_ms = 100 + s.delay_ms;
  auto link = make_link(s, high, r.queue_bytes);
  std::cerr << "slow_link: step: " << r.high_mbps << " Mbit/s, " << s.warmup_s << " s warm-up\n";
  auto pair = start_pair(link, video);
  pair_watch watch(pair, s.seed);
  watch.run_until(clock::now() + std::chrono::seconds(s.warmup_s));
  const auto mark = watch.mark();
  watch.set_typing(true);
  watch.set_sampling(250ms);
  watch.run_until(clock::now() + 2s);
  if (!watch.bob_rows().empty()) {
    r.rung_before = watch.bob_rows().back().cols[static_cast<std::size_t>(rung_col)];
    r.sent_before = watch.bob_rows().back().cols[static_cast<std::size_t>(sent_col)];
  }

  std::cerr << "slow_link: step: down to " << r.low_mbps << " Mbit/s for " << r.phase_s << " s\n";
  const auto down = clock::now();
  link.set_rate(low);
  watch.run_until(down + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(r.phase_s)));

  std::cerr << "slow_link: step: up to " << r.high_mbps << " Mbit/s, until bob's rung> is 0 (at most " << r.rung_bound_s
            << " s)\n";
  const auto up = clock::now();
  link.set_rate(high);
  if (!watch.bob_rows().empty()) r.rung_at_up = watch.bob_rows().back().cols[static_cast<std::size_t>(rung_col)];
  const auto first_up = watch.bob_rows().size();
  const auto back_to_zero = [&] {
    const auto& rows = watch.bob_rows();
    return rows.size() > first_up && rows.back().cols[static_cast<std::size_t>(rung_col)] == "0";
  };
  watch.run_until(up + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(r.rung_bound_s)),
                  back_to_zero);
  if (back_to_zero()) r.rung_zero_s = seconds_between(up, watch.bob_rows().back().at);

  watch.set_typing(false);
  watch.set_sampling(0s);
  watch.drain(drain_bound);
  r.link_events = watch.link_events(mark);
  judge_phase_down(watch, down, r);
  return r;
}

}  // namespace bench::slow_link
