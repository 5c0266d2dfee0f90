// The chat_node processes of a room over a cluster, for the failover test and
// bench/cluster_room: read all the time, so that none blocks on a full pipe
// while the caller waits on something else.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace cluster_test {

struct node_set {
  using clock = std::chrono::steady_clock;

  std::vector<test_support::listening_node> nodes;
  std::vector<bool> alive;  ///< index for index: false once killed

  void add(test_support::listening_node n);
  /// SIGKILL to node `i`, without a word to anyone; its exit status (128 + 9), if it ended.
  std::optional<int> kill(std::size_t i);
  /// Reads every live node's output for about `d` in all.
  void drain(std::chrono::milliseconds d);
  void drain_until(clock::time_point t);
  /// Drains until `done()` or `limit`; true when done.
  template <class Done>
  bool wait_until(std::chrono::seconds limit, Done done) {
    const auto deadline = clock::now() + limit;
    while (!done()) {
      if (clock::now() >= deadline) return false;
      drain(std::chrono::milliseconds(30));
    }
    return true;
  }
  /// How many lines each node has written on stderr so far.
  std::vector<std::size_t> err_lines() const;
  /// When every live node but `except` had logged `needle` on stderr (from
  /// line `from[i]` on), as read; nothing if not within `limit`.
  std::optional<clock::time_point> logged_by_others(std::size_t except, const std::string& needle,
                                                    const std::vector<std::size_t>& from, std::chrono::seconds limit);
};

}  // namespace cluster_test
