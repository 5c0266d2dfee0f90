// The markers again, now with a console lock: a thread holds it for a whole
// line, so lines never interleave, however short the pauses.
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "args.hpp"
#include "markers.hpp"

namespace {

constexpr auto usage =
    "usage: markers_locked [--delay-scale S]\n"
    "  S multiplies the pauses between lines (0 to 10, default 1)";

// Everything written to std::cout goes through this lock. (C++20's
// std::osyncstream does the same job for one statement; the explicit mutex
// shows what it does.)
std::mutex console_mutex;

void print_lines(const examples::marker& m, double delay_scale, examples::alive_count& alive) {
  for (int i = 0; i < m.lines; ++i) {
    {
      std::scoped_lock lock(console_mutex);
      examples::write_line(m.letter);  // the same character-by-character writes as markers
    }
    // Sleep without the lock, or the other threads would wait for our pause too.
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
  std::vector<std::jthread> threads;
  for (const auto& m : examples::course_markers) threads.emplace_back(print_lines, m, delay_scale, std::ref(alive));

  alive.report_until_none([](int n) {
    std::scoped_lock lock(console_mutex);
    examples::write_alive(n);
  });
}
