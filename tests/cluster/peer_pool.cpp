#include "cluster/peer_pool.hpp"

#include <algorithm>
#include <chrono>

namespace cluster_test {

void peer_pool::run() {
  for (int t = 0; t < 2; ++t) runners_.emplace_back([this] { ioc.run(); });
}

void peer_pool::stop() {
  if (runners_.empty()) return;
  for (auto& p : peers) p->stop();
  work_.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!ioc.stopped() && std::chrono::steady_clock::now() < deadline) nodes_.drain(std::chrono::milliseconds(100));
  ioc.stop();
  for (auto& r : runners_) r.join();
  runners_.clear();
}

bool peer_pool::all_joined() const {
  return std::all_of(peers.begin(), peers.end(), [](const auto& p) { return p->snapshot().joins > 0; });
}

}  // namespace cluster_test
