// bench/frame_throughput: frame latency and throughput of the real pipeline,
// measured beside the codec floor on the same frames, in one run.
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "codec_floor.hpp"
#include "in_process.hpp"
#include "machine.hpp"
#include "processes.hpp"
#include "results.hpp"

namespace po = boost::program_options;

namespace {

std::vector<std::pair<int, int>> parse_sizes(const std::string& text) {
  std::vector<std::pair<int, int>> sizes;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    int w = 0, h = 0;
    char x = 0;
    if (std::sscanf(item.c_str(), "%d%c%d", &w, &x, &h) != 3 || x != 'x' || w < 16 || h < 16 || w % 2 || h % 2)
      throw po::error("--sizes: '" + item + "' is not an even WIDTHxHEIGHT");
    sizes.emplace_back(w, h);
  }
  return sizes;
}

struct plan {
  double paced_fps;
  int floor_frames;
  bool no_unpaced, processes, no_text;
  std::shared_ptr<const bench::footage> footage;  ///< --source, or null
  int text_messages = 400, text_interval_ms = 5;
};

void measure(bench::report& r, const std::vector<std::pair<int, int>>& sizes, bench::run_spec spec, const plan& c) {
  // The test pattern always; beside it, at each size, the footage of --source.
  std::vector<std::shared_ptr<const bench::footage>> sources{nullptr};
  if (c.footage) sources.push_back(c.footage);
  for (const auto& [w, h] : sizes) {
    for (const auto& source : sources) {
      const auto what = std::to_string(w) + "x" + std::to_string(h) + ", " + bench::source_name(source);
      std::cerr << "frame_throughput: " << what << ": codec floor\n";
      r.floors.push_back(bench::measure_codec_floor(w, h, spec.quality, c.floor_frames, source));
      spec.width = w;
      spec.height = h;
      spec.source = source;
      for (const double fps : {c.paced_fps, 0.0}) {
        if (fps == 0 && c.no_unpaced) continue;
        spec.fps = fps;
        const auto pacing = fps > 0 ? "at " + std::to_string(static_cast<int>(fps)) + " fps" : std::string("unpaced");
        std::cerr << "frame_throughput: " << what << ": pipeline " << pacing << "\n";
        r.runs.push_back(bench::run_in_process(spec));
        // Two processes send the test pattern only: a file given to them would be decoded in the timed path.
        if (c.processes && !source) {
          std::cerr << "frame_throughput: " << what << ": two processes " << pacing << "\n";
          r.runs.push_back(bench::run_processes(spec));
        }
      }
    }
  }
  spec.source = nullptr;
  if (!c.no_text) {
    const auto [w, h] = sizes.back();
    spec.width = w;
    spec.height = h;
    spec.fps = 0;
    std::cerr << "frame_throughput: text under load at " << w << "x" << h << "\n";
    r.texts.push_back(bench::text_under_load(spec, c.text_messages, c.text_interval_ms));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string sizes_text = "320x240,640x480,1280x720,1920x1080", json, csv, source_path;
  int source_frames = 150;
  bench::run_spec spec;
  double paced_fps = 30;
  int floor_frames = 200;
  bool no_unpaced = false, no_text = false, processes = false;
  po::options_description desc("Usage: frame_throughput [options]\n\nOptions");
  desc.add_options()("sizes", po::value(&sizes_text), "frame sizes, e.g. 640x480,1920x1080")(
      "frames", po::value(&spec.frames)->default_value(300), "frames measured per run, after the warm-up")(
      "warmup", po::value(&spec.warmup_frames)->default_value(30), "frames before measuring")(
      "seconds", po::value(&spec.max_seconds)->default_value(20), "longest a run may measure")(
      "fps", po::value(&paced_fps)->default_value(30), "rate of the paced runs")(
      "quality", po::value(&spec.quality)->default_value(90), "JPEG quality")(
      "floor-frames", po::value(&floor_frames)->default_value(200), "frames for the codec floor")(
      "no-unpaced", "skip the unpaced runs")("no-text", "skip the text-under-load run")(
      "processes", "also run two real chat_node processes per size and pacing (test pattern only)")(
      "source", po::value(&source_path)->value_name("FILE"),
      "also measure the floor and the pipeline on FILE's frames (decoded before timing, looped), beside the test "
      "pattern")("source-frames", po::value(&source_frames)->default_value(150),
                 "frames of --source FILE kept in memory")("json", po::value(&json),
                                                           "write every figure as JSON to FILE")(
      "csv", po::value(&csv), "write the pipeline table as CSV to FILE")("help,h", "show this help");
  std::vector<std::pair<int, int>> sizes;
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc;
      return 0;
    }
    no_unpaced = vm.count("no-unpaced") > 0;
    no_text = vm.count("no-text") > 0;
    processes = vm.count("processes") > 0;
    sizes = parse_sizes(sizes_text);
  } catch (const po::error& e) {
    std::cerr << "frame_throughput: " << e.what() << "\n";
    return 2;
  }

  bench::report r;
  r.machine = bench::machine();
  // Errors end the run through the destructors, so no chat_node is left behind.
  try {
    std::shared_ptr<const bench::footage> footage;
    if (!source_path.empty()) footage = bench::load_footage(source_path, source_frames);
    measure(r, sizes, spec, {paced_fps, floor_frames, no_unpaced, processes, no_text, footage});
  } catch (const std::exception& e) {
    std::cerr << "frame_throughput: " << e.what() << "\n";
    return 1;
  }

  bench::print_table(std::cout, r);
  if (!json.empty()) bench::write_json(json, r);
  if (!csv.empty()) bench::write_csv(csv, r);
  return 0;
}
