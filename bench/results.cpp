#include "results.hpp"

#include <cstdio>
#include <fstream>

#include <boost/json.hpp>

#include "report_format.hpp"

namespace bench {
namespace {

/// A table row: a figure a mode does not measure is NaN, shown as a dash.
std::string row(const char* fmt, auto... args) {
  std::string out = f(fmt, args...);
  for (std::size_t at; (at = out.find("nan")) != std::string::npos;) out.replace(at, 3, "  -");
  return out;
}

const codec_floor* floor_for(const report& r, const pipeline_run& run) {
  for (const auto& fl : r.floors)
    if (fl.width == run.width && fl.height == run.height && fl.source == run.source) return &fl;
  return nullptr;
}

const char* const stages[] = {"capture", "resize", "encode", "queue", "network", "handoff", "decode"};

}  // namespace

void print_table(std::ostream& out, const report& r) {
  out << "machine: " << r.machine << "\n\n";
  out << "Codec floor (one thread, medians, ms per frame; capture = drawing the test pattern at twice the size,\n"
         "or copying a frame of footage decoded before)\n";
  out << row("%-10s %-14s %8s %8s %8s %8s %10s %10s %9s %11s\n", "size", "source", "capture", "resize", "encode",
             "decode", "floor p50", "opencv p50", "opencv/x", "bound fps");
  for (const auto& fl : r.floors)
    out << row("%4dx%-5d %-14.14s %8.2f %8.2f %8.2f %8.2f %10.2f %10.2f %9.2f %11.0f\n", fl.width, fl.height,
               fl.source.c_str(), fl.capture_ms.median(), fl.turbo_resize_ms.median(), fl.turbo_encode_ms.median(),
               fl.turbo_decode_ms.median(), fl.turbo_ms.median(), fl.opencv_ms.median(),
               fl.opencv_ms.median() / fl.turbo_ms.median(), fl.bound_fps());

  out << "\nPipeline (capture on the sender to decoded on the receiver, ms)\n";
  out << row("%-10s %-14s %-10s %-8s %7s %7s %7s %7s %7s %7s %8s %8s %6s %9s %9s\n", "size", "source", "mode", "pacing",
             "fps", "MB/s", "p50", "p95", "p99", "max", "p50/flr", "p99/flr", "drop", "fps/bound", "cpu ms/f");
  for (const auto& run : r.runs) {
    const auto* fl = floor_for(r, run);
    const double floor = fl ? fl->turbo_ms.median() : NAN;
    double cpu = 0;
    for (const auto& [who, s] : run.cpu_s_per_frame) cpu += s;
    out << row("%4dx%-5d %-14.14s %-10s %-8s %7.1f %7.1f %7.2f %7.2f %7.2f %7.2f %8.2f %8.2f %6llu %9.2f %9.2f\n",
               run.width, run.height, run.source.c_str(), run.mode.c_str(), run.pacing.c_str(), run.fps(),
               run.mb_per_s(), run.latency.p50, run.latency.p95, run.latency.p99, run.latency.max,
               run.latency.p50 / floor, run.latency.p99 / floor, static_cast<unsigned long long>(run.dropped),
               fl ? run.fps() / fl->bound_fps() : NAN, cpu * 1000);
  }

  out << "\nWhere the time goes (medians, ms): overhead = queue + network + handoff, against the floor\n";
  out << row("%-10s %-14s %-8s", "size", "source", "pacing");
  for (const char* s : stages) out << row(" %8s", s);
  out << row(" %9s %11s %9s\n", "overhead", "overhd/flr", "rss MiB");
  for (const auto& run : r.runs) {
    if (run.stage_ms.empty()) continue;  // only the in-process mode sees inside the pipeline
    const auto* fl = floor_for(r, run);
    auto med = [&](const char* s) {
      const auto it = run.stage_ms.find(s);
      return it == run.stage_ms.end() ? NAN : it->second.median();
    };
    out << row("%4dx%-5d %-14.14s %-8s", run.width, run.height, run.source.c_str(), run.pacing.c_str());
    for (const char* s : stages) out << row(" %8.3f", med(s));
    const double overhead = med("queue") + med("network") + med("handoff");
    long rss = 0;
    for (const auto& [who, k] : run.peak_rss_kib) rss = std::max(rss, k);
    out << row(" %9.3f %11.3f %9.1f\n", overhead, fl ? overhead / fl->turbo_ms.median() : NAN, rss / 1024.0);
  }

  if (!r.texts.empty()) {
    out << "\nText one-way latency while video streams unpaced (ms)\n";
    out << row("%-10s %6s %9s %7s %7s %7s %7s\n", "video", "sent", "received", "p50", "p95", "p99", "max");
    for (const auto& t : r.texts)
      out << row("%4dx%-5d %6d %9d %7.3f %7.3f %7.3f %7.3f\n", t.width, t.height, t.sent, t.received,
                 t.latency_ms.pct(50), t.latency_ms.pct(95), t.latency_ms.pct(99), t.latency_ms.max());
  }
}

void write_json(const std::string& path, const report& r) {
  boost::json::object root;
  root["machine"] = r.machine;
  boost::json::array floors, runs, texts;
  for (const auto& fl : r.floors) {
    floors.push_back({{"width", fl.width},
                      {"height", fl.height},
                      {"source", fl.source},
                      {"capture_ms", pcts(fl.capture_ms)},
                      {"resize_ms", pcts(fl.turbo_resize_ms)},
                      {"encode_ms", pcts(fl.turbo_encode_ms)},
                      {"decode_ms", pcts(fl.turbo_decode_ms)},
                      {"floor_ms", pcts(fl.turbo_ms)},
                      {"opencv_ms", pcts(fl.opencv_ms)},
                      {"bound_fps", fl.bound_fps()}});
  }
  for (const auto& run : r.runs) {
    boost::json::object st;
    for (const auto& [name, s] : run.stage_ms) st[name] = pcts(s);
    boost::json::object cpu, rss;
    for (const auto& [who, v] : run.cpu_s_per_frame) cpu[who] = v;
    for (const auto& [who, v] : run.peak_rss_kib) rss[who] = v;
    const auto* fl = floor_for(r, run);
    boost::json::array lat;
    for (double v : run.latency_ms.values()) lat.push_back(v);
    runs.push_back(
        {{"width", run.width},
         {"height", run.height},
         {"source", run.source},
         {"mode", run.mode},
         {"pacing", run.pacing},
         {"seconds", run.seconds},
         {"frames", run.frames},
         {"fps", run.fps()},
         {"mb_per_s", run.mb_per_s()},
         {"latency_ms",
          {{"p50", run.latency.p50}, {"p95", run.latency.p95}, {"p99", run.latency.p99}, {"max", run.latency.max}}},
         {"latency_samples_ms", lat},
         {"stages_ms", st},
         {"dropped", run.dropped},
         {"cpu_s_per_frame", cpu},
         {"peak_rss_kib", rss},
         {"p50_over_floor", fl ? run.latency.p50 / fl->turbo_ms.median() : 0.0},
         {"p99_over_floor", fl ? run.latency.p99 / fl->turbo_ms.median() : 0.0},
         {"fps_over_bound", fl ? run.fps() / fl->bound_fps() : 0.0}});
  }
  for (const auto& t : r.texts)
    texts.push_back({{"width", t.width},
                     {"height", t.height},
                     {"sent", t.sent},
                     {"received", t.received},
                     {"latency_ms", pcts(t.latency_ms)}});
  root["codec_floor"] = floors;
  root["pipeline"] = runs;
  root["text_under_load"] = texts;
  std::ofstream(path) << boost::json::serialize(root) << "\n";
}

void write_csv(const std::string& path, const report& r) {
  std::ofstream out(path);
  out << "size,source,mode,pacing,fps,mb_per_s,latency_p50_ms,latency_p95_ms,latency_p99_ms,latency_max_ms,floor_p50_"
         "ms,"
         "bound_fps,dropped";
  for (const char* s : stages) out << "," << s << "_p50_ms";
  out << "\n";
  for (const auto& run : r.runs) {
    const auto* fl = floor_for(r, run);
    out << run.width << "x" << run.height << "," << run.source << "," << run.mode << "," << run.pacing << ","
        << run.fps() << "," << run.mb_per_s() << "," << run.latency.p50 << "," << run.latency.p95 << ","
        << run.latency.p99 << "," << run.latency.max << "," << (fl ? fl->turbo_ms.median() : NAN) << ","
        << (fl ? fl->bound_fps() : NAN) << "," << run.dropped;
    for (const char* s : stages) {
      const auto it = run.stage_ms.find(s);
      out << "," << (it == run.stage_ms.end() ? NAN : it->second.median());
    }
    out << "\n";
  }
}

}  // namespace bench
