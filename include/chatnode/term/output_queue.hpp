// Writes to the terminal from a thread of its own, so that no network thread
// ever waits on it: a terminal that stops reading (Ctrl-S, a paused pager, a
// pipe nobody drains) costs lines on the screen, never a stuck node.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace chatnode::term {

class output_queue {
 public:
  /// Bytes waiting at most; past them new text is dropped, and the count of
  /// what was dropped is written once there is room again.
  static constexpr std::size_t default_budget = 1 << 20;
  /// How long the destructor waits for what is queued to be written.
  static constexpr std::chrono::milliseconds drain_limit{5000};

  explicit output_queue(std::size_t budget = default_budget);
  /// Writes what is queued, for at most drain_limit; a writer still stuck on
  /// the terminal then is left behind, so that the process can still end.
  ~output_queue();
  output_queue(const output_queue&) = delete;
  output_queue& operator=(const output_queue&) = delete;

  /// Queues `text` for the descriptor `fd`, or drops it when over the budget.
  void write(int fd, std::string text);
  /// Waits until everything queued so far is written, at most `limit`; whether it was.
  bool drain(std::chrono::milliseconds limit);
  /// Text dropped so far, in pieces (a line, a block).
  std::uint64_t dropped() const;

 private:
  struct item {
    int fd;
    std::string text;
  };
  /// Shared with the writer thread, which may outlive the queue (see the destructor).
  struct state {
    explicit state(std::size_t b) : budget(b) {}
    const std::size_t budget;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<item> queue;
    std::size_t queued_bytes = 0;
    std::uint64_t dropped = 0;              ///< in all
    std::uint64_t dropped_unsaid = 0;       ///< since the last note that said so
    std::uint64_t queued = 0, written = 0;  ///< items, for drain()
    bool stopping = false;
  };
  static void run(const std::shared_ptr<state>& s);

  std::shared_ptr<state> s_;
  std::thread thread_;
};

}  // namespace chatnode::term
