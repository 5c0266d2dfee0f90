// What the three marker programs share: the course's four markers, how a
// line is written, and the main thread's count of threads still running.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>

namespace examples {

using namespace std::chrono_literals;

/// One marker thread's job: `lines` lines of `letter`, pausing `delay` after each.
struct marker {
  char letter;
  int lines;
  std::chrono::milliseconds delay;
};

/// The course defaults.
inline constexpr std::array<marker, 4> course_markers{{
    {'A', 40, 200ms},
    {'B', 30, 300ms},
    {'C', 20, 400ms},
    {'D', 10, 500ms},
}};

inline constexpr int line_length = 50;

/// `--delay-scale 0.01` turns 200 ms into 2 ms, so tests run in a blink.
inline std::chrono::microseconds scaled(std::chrono::milliseconds delay, double scale) {
  return std::chrono::duration_cast<std::chrono::microseconds>(delay * scale);
}

/// Writes one line a character at a time. Each put() is a separate write
/// into stdout: unless the caller holds a lock, another thread's characters
/// can land in the middle of the line.
inline void write_line(char letter) {
  for (int i = 0; i < line_length; ++i) std::cout.put(letter);
  std::cout.put('\n');
}

/// Writes "alive: N" in a single call, so it is never split even when marker
/// lines are not locked (though it may still land inside one of them).
inline void write_alive(int n) { std::cout << "alive: " + std::to_string(n) + "\n"; }

/// How many marker threads are still running.
class alive_count {
 public:
  explicit alive_count(int n) : n_(n) {}

  /// A marker thread's last act.
  void finished() {
    n_.fetch_sub(1);
    n_.notify_all();
  }

  /// Calls `report(n)` now and after every change, until no thread is left.
  /// Two threads finishing at once are reported as one change.
  template <class Report>
  void report_until_none(Report report) {
    for (int n = n_.load();; n = n_.load()) {
      report(n);
      if (n == 0) return;
      n_.wait(n);  // C++20: sleeps until the count is no longer n
    }
  }

 private:
  std::atomic<int> n_;
};

}  // namespace examples
