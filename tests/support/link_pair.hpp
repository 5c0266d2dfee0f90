// Two chat_nodes on either side of an emulated link (support/emulated_link):
// alice listens on side A, bob connects from side B. For the process tests
// and bench/slow_link.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/emulated_link.hpp"

namespace test_support {

struct node_pair {
  std::unique_ptr<child_process> alice, bob;
};

/// Starts alice and bob, each with its own extra arguments, and waits (bounded)
/// until each has seen the other join; throws, with both nodes' errors, when they do not.
node_pair start_pair(const emulated_link& link, const std::vector<std::string>& alice_extra,
                     const std::vector<std::string>& bob_extra);
inline node_pair start_pair(const emulated_link& link, const std::vector<std::string>& extra) {
  return start_pair(link, extra, extra);
}

/// "PORT" of a node's "listening on HOST:PORT", empty before it said so.
std::string listening_port(const child_process& node);

/// Keeps reading both nodes' output for `d` (their pipes must not fill while the caller waits).
void read_both_for(child_process& a, child_process& b, std::chrono::milliseconds d);

}  // namespace test_support
