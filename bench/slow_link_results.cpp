#include "slow_link_results.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include <boost/json.hpp>

#include "report_format.hpp"

namespace bench::slow_link {
namespace {

std::string rate_name(double mbps) { return f("%g Mbit/s", mbps); }

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

void print_step(std::ostream& out, const setup& c, const step_result& s) {
  out << "\nStep change: " << rate_name(s.high_mbps) << " -> " << rate_name(s.low_mbps) << " -> "
      << rate_name(s.high_mbps) << ", " << c.delay_ms << " ms one way, video both ways, router queue " << s.queue_bytes
      << " bytes throughout (" << c.queue_ms << " ms at " << rate_name(s.low_mbps) << ", "
      << num(static_cast<double>(s.queue_bytes) * 8 / (s.high_mbps * 1000)) << " ms at " << rate_name(s.high_mbps)
      << "); /stats 4 times a second\n";
  out << "- before the change: bob's rung> " << (s.rung_before.empty() ? "-" : s.rung_before) << ", sent> "
      << (s.sent_before.empty() ? "-" : s.sent_before) << "\n";
  out << "- " << rate_name(s.high_mbps) << " -> " << rate_name(s.low_mbps) << ": ";
  if (s.within_bounds_s)
    out << "back within bounds after " << num(*s.within_bounds_s, " s", 1);
  else
    out << "not within " << num(s.phase_s, " s");
  out << " (every line within " << num(s.line_bound_ms, " ms")
      << " and bob's queue> <= " << num(s.queue_bound_ms, " ms") << " from then to " << num(s.phase_s, " s") << "); "
      << s.late_lines << " of " << s.lines << " lines late, worst " << num(s.worst_line_ms, " ms") << "; queue> up to "
      << num(s.worst_queue_ms, " ms") << "\n";
  out << "- " << rate_name(s.low_mbps) << " -> " << rate_name(s.high_mbps) << ": ";
  if (s.rung_zero_s)
    out << "bob's rung> back to 0 after " << num(*s.rung_zero_s, " s", 1);
  else
    out << "bob's rung> not back to 0 within " << num(s.rung_bound_s, " s");
  out << " (rung> " << (s.rung_at_up.empty() ? "-" : s.rung_at_up) << " at the change)\n";
  out << "- reconnects/leaves during the step test: " << s.link_events.size() << "\n";
  for (const auto& e : s.link_events) out << "  " << e << "\n";
}

}  // namespace

void print_report(std::ostream& out, const report& r) {
  const auto& c = r.config;
  out << "machine: " << r.machine << "\n\n";
  out << "Link: " << c.delay_ms << " ms one way, a drop-tail router queue of " << c.queue_ms
      << " ms at the link's rate, each direction. Video: the test pattern, 640x480 at 30 fps, both ways. " << c.warmup_s
      << " s warm-up, then " << c.seconds << " s in which bob types a line every 100-500 ms (seed " << c.seed
      << ").\n\n";
  out << "| rate | queue | lines | text p50 | text p99 | frame p50 | frame p95 | rtt idle | rtt load | load/idle "
         "| goodput | rung / sent | held | reconnects |\n";
  out << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n";
  for (const auto& x : r.rates) {
    out << "| " << rate_name(x.rate_mbps) << " | " << num(static_cast<double>(x.queue_bytes) / 1000, " kB") << " | "
        << x.lines_received << "/" << x.lines_sent << " | " << num(x.text_ms.pct(50), " ms") << " | "
        << num(x.text_ms.pct(99), " ms") << " | " << num(x.frame_p50_ms, " ms") << " | " << num(x.frame_p95_ms, " ms")
        << " | " << num(x.idle_rtt_ms.median(), " ms") << " | " << num(x.rtt_load_ms.median(), " ms") << " | "
        << num(x.rtt_ratio(), "", 1) << " | " << num(x.goodput_ratio() * 100, " %") << " | " << x.rung << " " << x.sent
        << " | " << x.held << " | " << x.link_events.size() << " |\n";
  }
  out << "\ntext: bob's standard input to alice's standard output, one way, the link's " << c.delay_ms
      << " ms included. frame: alice's lat p50/p95 of bob's video (capture to decoded), last /stats of the window. "
         "rtt: bob's column, median (idle: text only). goodput: alice's kbps< from bob, median, over the rate. "
         "rung / sent: bob's towards alice, most frequent. held: bob's held> over the window. reconnects: lines "
         "either node printed saying left, reconnect or lost.\n";
  for (const auto& x : r.rates)
    for (const auto& e : x.link_events) out << rate_name(x.rate_mbps) << ": " << e << "\n";
  if (r.step) print_step(out, c, *r.step);
  out << "\nrun took " << num(r.run_seconds, " s") << "\n";
}

void write_json(const std::string& path, const report& r) {
  const auto& c = r.config;
  boost::json::object root;
  root["machine"] = r.machine;
  root["setup"] = {{"rates_mbps", boost::json::array(c.rates_mbps.begin(), c.rates_mbps.end())},
                   {"delay_ms", c.delay_ms},
                   {"queue_ms", c.queue_ms},
                   {"warmup_s", c.warmup_s},
                   {"seconds", c.seconds},
                   {"seed", c.seed},
                   {"video", "test pattern 640x480 at 30 fps, both ways"}};
  boost::json::array rates;
  for (const auto& x : r.rates)
    rates.push_back(
        {{"rate_mbps", x.rate_mbps},
         {"queue_bytes", x.queue_bytes},
         {"idle_rtt_ms", pcts(x.idle_rtt_ms)},
         {"lines_sent", x.lines_sent},
         {"lines_received", x.lines_received},
         {"text_one_way_ms", pcts(x.text_ms)},
         {"frame_latency_ms", {{"p50", json_number(x.frame_p50_ms)}, {"p95", json_number(x.frame_p95_ms)}}},
         {"rtt_load_ms", pcts(x.rtt_load_ms)},
         {"rtt_ratio", json_number(x.rtt_ratio())},
         {"goodput_kbps", pcts(x.goodput_kbps)},
         {"goodput_ratio", json_number(x.goodput_ratio())},
         {"rung", x.rung},
         {"sent", x.sent},
         {"held", x.held},
         {"link_kbps", pcts(x.link_kbps)},
         {"queue_ms", pcts(x.queue_ms)},
         {"alice_to_bob",
          {{"rung", x.back_rung}, {"sent", x.back_sent}, {"frame_latency_p50_ms", json_number(x.back_frame_p50_ms)}}},
         {"samples", x.samples_taken},
         {"link_events", strings(x.link_events)}});
  root["rates"] = rates;
  if (r.step) {
    const auto& s = *r.step;
    boost::json::array points, lines;
    for (const auto& p : s.points)
      points.push_back({{"t_s", p.t_s},
                        {"queue_ms", json_number(p.queue_ms)},
                        {"link_kbps", json_number(p.link_kbps)},
                        {"rung", p.rung},
                        {"sent", p.sent}});
    for (const auto& [t, ms] : s.line_ms) lines.push_back({{"t_s", t}, {"latency_ms", json_number(ms)}});
    root["step"] = {{"high_mbps", s.high_mbps},
                    {"low_mbps", s.low_mbps},
                    {"queue_bytes", s.queue_bytes},
                    {"line_bound_ms", s.line_bound_ms},
                    {"queue_bound_ms", s.queue_bound_ms},
                    {"rung_before", s.rung_before},
                    {"sent_before", s.sent_before},
                    {"within_bounds_s", s.within_bounds_s ? json_number(*s.within_bounds_s) : nullptr},
                    {"lines", s.lines},
                    {"late_lines", s.late_lines},
                    {"worst_line_ms", json_number(s.worst_line_ms)},
                    {"worst_queue_ms", json_number(s.worst_queue_ms)},
                    {"rung_at_up", s.rung_at_up},
                    {"rung_zero_s", s.rung_zero_s ? json_number(*s.rung_zero_s) : nullptr},
                    {"bob_to_alice", points},
                    {"lines_from_change", lines},
                    {"link_events", strings(s.link_events)}};
  }
  root["run_seconds"] = r.run_seconds;
  std::ofstream(path) << boost::json::serialize(root) << "\n";
}

}  // namespace bench::slow_link
