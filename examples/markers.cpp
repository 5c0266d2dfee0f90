// Four threads print lines of 'A', 'B', 'C' and 'D' while the main thread
// reports how many of them are still running. Nothing coordinates their
// output, so one thread's characters may land in the middle of another's
// line: run with `--delay-scale 0` to see it happen.
#include <functional>
#include <thread>
#include <vector>

#include "args.hpp"
#include "markers.hpp"

namespace {

constexpr auto usage =
    "usage: markers [--delay-scale S]\n"
    "  S multiplies the pauses between lines (0 to 10, default 1)";

void print_lines(const examples::marker& m, double delay_scale, examples::alive_count& alive) {
  for (int i = 0; i < m.lines; ++i) {
    examples::write_line(m.letter);  // unguarded: may interleave with other threads' lines
    std::this_thread::sleep_for(examples::scaled(m.delay, delay_scale));
  }
  alive.finished();
}

}  // namespace

int main(int argc, char** argv) {
  double delay_scale = 1.0;
  if (auto exit_code = examples::parse_options(argc, argv, usage, {{"--delay-scale", &delay_scale, 0, 10}}))
    return *exit_code;

  examples::alive_count alive(static_cast<int>(examples::course_markers.size()));
  std::vector<std::jthread> threads;  // jthread joins when destroyed
  for (const auto& m : examples::course_markers) threads.emplace_back(print_lines, m, delay_scale, std::ref(alive));

  alive.report_until_none(examples::write_alive);
}
