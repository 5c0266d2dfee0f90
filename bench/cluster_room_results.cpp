#include "cluster_room_results.hpp"

#include <fstream>

#include <boost/json.hpp>

#include "report_format.hpp"

namespace bench::cluster_room {
namespace {

std::string p50_p99(const samples& s) { return num(s.pct(50), " ms", 2) + " / " + num(s.pct(99), " ms", 2); }

void print_window(std::ostream& out, const text_window& w) {
  out << "- text, cross-node p50 / p99: " << p50_p99(w.cross_ms) << " (max " << num(w.cross_ms.max(), " ms", 1) << ", "
      << w.cross_ms.size() << " deliveries); same node: " << p50_p99(w.same_ms) << "\n";
  out << "- the longest any peer went without a line: " << num(w.longest_silence_ms / 1000, " s", 2) << "\n";
}

boost::json::object window_json(const text_window& w) {
  return {{"cross_node_ms", pcts(w.cross_ms)},
          {"same_node_ms", pcts(w.same_ms)},
          {"longest_silence_ms", json_number(w.longest_silence_ms)}};
}

}  // namespace

void print_table(std::ostream& out, const report& r) {
  const auto& c = r.config;
  out << "machine: " << r.machine << "\n\n";
  out << c.nodes << " nodes x " << c.peers_per_node << " peers (" << c.watchers_per_node << " per node watch video), "
      << c.servers << " nats-servers, every node sending its test pattern at " << c.size << ", " << c.fps
      << " fps; each peer says a line every " << c.line_every_ms << " ms\n\n";
  out << "Steady, " << c.seconds << " s:\n";
  print_window(out, r.steady);
  out << "- video capture to watcher, p50 / p95: on the origin's node " << num(r.local_frame_ms.pct(50), " ms", 2)
      << " / " << num(r.local_frame_ms.pct(95), " ms", 2) << " at " << num(r.local_fps.median(), " fps", 1)
      << "; across the bus " << num(r.remote_frame_ms.pct(50), " ms", 2) << " / "
      << num(r.remote_frame_ms.pct(95), " ms", 2) << " at " << num(r.remote_fps.median(), " fps", 1)
      << "; the hop adds " << num(r.remote_frame_ms.pct(50) - r.local_frame_ms.pct(50), " ms", 2) << " p50\n";
  out << "- CPU, % of one core:";
  for (const auto& [who, pct] : r.cpu_percent) out << " " << who << " " << num(pct, "", 1) << ";";
  out << "\n- presence, until every other node showed it (" << r.presence_join_ms.size() << " rounds): a join p50 "
      << num(r.presence_join_ms.pct(50), " ms") << ", max " << num(r.presence_join_ms.max(), " ms") << "; a leave p50 "
      << num(r.presence_leave_ms.pct(50), " ms") << ", max " << num(r.presence_leave_ms.max(), " ms") << "\n";
  for (const auto& fl : r.faults) {
    out << "\nKilled " << fl.what << " (SIGKILL), the " << c.after_kill_s << " s after:\n";
    print_window(out, fl.text);
    out << "- video, the longest gap per watcher and origin: median " << num(fl.video_gap_ms.median() / 1000, " s", 2)
        << ", max " << num(fl.video_gap_ms.max() / 1000, " s", 2) << " (" << fl.video_gap_ms.size() << " pairs)\n";
  }
  out << "\nEvery line once: " << r.lines_said << " said, " << r.deliveries << " deliveries, " << r.missing
      << " missing, " << r.duplicates << " duplicated\n";
}

void write_json(const std::string& path, const report& r) {
  const auto& c = r.config;
  boost::json::object root;
  root["machine"] = r.machine;
  root["setup"] = {{"servers", c.servers},
                   {"nodes", c.nodes},
                   {"peers_per_node", c.peers_per_node},
                   {"watchers_per_node", c.watchers_per_node},
                   {"line_every_ms", c.line_every_ms},
                   {"seconds", c.seconds},
                   {"after_kill_s", c.after_kill_s},
                   {"size", c.size},
                   {"fps", c.fps}};
  root["lines_said"] = r.lines_said;
  root["deliveries"] = r.deliveries;
  root["missing"] = r.missing;
  root["duplicates"] = r.duplicates;
  root["steady"] = window_json(r.steady);
  root["video"] = {{"local_ms", pcts(r.local_frame_ms)},
                   {"remote_ms", pcts(r.remote_frame_ms)},
                   {"local_fps", pcts(r.local_fps)},
                   {"remote_fps", pcts(r.remote_fps)}};
  boost::json::object cpu;
  for (const auto& [who, pct] : r.cpu_percent) cpu[who] = json_number(pct);
  root["cpu_percent"] = std::move(cpu);
  root["presence"] = {{"join_ms", pcts(r.presence_join_ms)}, {"leave_ms", pcts(r.presence_leave_ms)}};
  boost::json::array faults;
  for (const auto& fl : r.faults)
    faults.push_back({{"what", fl.what}, {"text", window_json(fl.text)}, {"video_gap_ms", pcts(fl.video_gap_ms)}});
  root["faults"] = std::move(faults);
  std::ofstream(path) << boost::json::serialize(root) << "\n";
}

}  // namespace bench::cluster_room
