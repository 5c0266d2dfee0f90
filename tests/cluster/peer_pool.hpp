// Simulated peers (sim_peer) and the two threads that run them, for the
// failover test and bench/cluster_room. Going, they say bye and their
// sessions end within a bound, whatever came before, while the nodes are read.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "chatnode/net.hpp"
#include "cluster/node_set.hpp"
#include "cluster/sim_peer.hpp"

namespace cluster_test {

class peer_pool {
 public:
  explicit peer_pool(node_set& nodes) : nodes_(nodes) {}
  ~peer_pool() { stop(); }
  peer_pool(const peer_pool&) = delete;
  peer_pool& operator=(const peer_pool&) = delete;

  /// Runs the peers' io_context on two threads.
  void run();
  /// Every peer says bye; then the threads end (20 s at most for the sessions).
  void stop();
  /// Whether every peer has joined a node at least once.
  bool all_joined() const;

  chatnode::net::io_context ioc;
  std::vector<std::unique_ptr<sim_peer>> peers;

 private:
  node_set& nodes_;
  chatnode::net::executor_work_guard<chatnode::net::io_context::executor_type> work_ =
      chatnode::net::make_work_guard(ioc);
  std::vector<std::thread> runners_;
};

}  // namespace cluster_test
