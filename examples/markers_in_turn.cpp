// The markers take turns: A, B, C, D, A, B, C, D, ... A condition variable
// hands the turn on. A thread that has printed all its lines drops out of the
// rotation, so after D's 10th line the order is A, B, C; after C's 20th it is
// A, B; and A prints its last 10 lines alone. The pauses only slow the
// rotation down: the order is the same for any --delay-scale.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "args.hpp"
#include "markers.hpp"

namespace {

constexpr auto usage =
    "usage: markers_in_turn [--delay-scale S]\n"
    "  S multiplies the pauses between lines (0 to 10, default 1)";

/// Whose turn it is, and the console: a thread prints only while it holds the turn.
class turns {
 public:
  explicit turns(std::vector<int> lines) : lines_left_(std::move(lines)) {}

  /// Waits for `who`'s turn, prints its line, then passes the turn on.
  void print_in_turn(std::size_t who, char letter) {
    {
      std::unique_lock lock(mutex_);
      turn_changed_.wait(lock, [&] { return turn_ == who; });
      examples::write_line(letter);
      --lines_left_[who];
      turn_ = next_after(who);
    }
    // Every waiter checks whether it is now its turn; exactly one goes on.
    turn_changed_.notify_all();
  }

  /// Prints the main thread's report between two turns.
  void print_alive(int n) {
    std::scoped_lock lock(mutex_);
    examples::write_alive(n);
  }

 private:
  /// The next thread in the rotation that still has lines to print.
  std::size_t next_after(std::size_t who) const {
    for (std::size_t step = 1; step <= lines_left_.size(); ++step) {
      const std::size_t next = (who + step) % lines_left_.size();
      if (lines_left_[next] > 0) return next;
    }
    return who;  // nobody has lines left; the turn no longer matters
  }

  std::mutex mutex_;  // guards everything below, and std::cout
  std::condition_variable turn_changed_;
  std::size_t turn_ = 0;
  std::vector<int> lines_left_;
};

void print_lines(std::size_t who, const examples::marker& m, double delay_scale, turns& t,
                 examples::alive_count& alive) {
  for (int i = 0; i < m.lines; ++i) {
    t.print_in_turn(who, m.letter);
    std::this_thread::sleep_for(examples::scaled(m.delay, delay_scale));
  }
  alive.finished();
}

}  // namespace

int main(int argc, char** argv) {
  double delay_scale = 1.0;
  if (auto exit_code = examples::parse_options(argc, argv, usage, {{"--delay-scale", &delay_scale, 0, 10}}))
    return *exit_code;

  std::vector<int> lines;
  for (const auto& m : examples::course_markers) lines.push_back(m.lines);
  turns t(lines);
  examples::alive_count alive(static_cast<int>(lines.size()));
  std::vector<std::jthread> threads;
  for (std::size_t who = 0; who < examples::course_markers.size(); ++who)
    threads.emplace_back(print_lines, who, examples::course_markers[who], delay_scale, std::ref(t), std::ref(alive));

  alive.report_until_none([&](int n) { t.print_alive(n); });
}
