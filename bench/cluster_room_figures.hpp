// From what every simulated peer recorded to bench/cluster_room's figures:
// text latency by window, frame latency and rate by hop, the silence and the
// video gap each fault caused, and whether every line came exactly once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cluster/sim_peer.hpp"
#include "cluster_room_results.hpp"

namespace bench::cluster_room {

using clock = std::chrono::steady_clock;

struct recording {
  struct peer {
    std::string name;
    int home = 0;  ///< the node it dialled first
    cluster_test::sim_peer::seen seen;
  };
  struct kill {
    std::string what;
    clock::time_point at, until;             ///< killed, and the next step
    std::optional<std::string> dead_origin;  ///< a node's video, which cannot come back
  };
  std::vector<peer> peers;
  std::vector<std::string> node_names;  ///< index = node; also the origin of its video
  clock::time_point steady_begin, steady_end;
  std::vector<kill> kills;
};

/// Fills in `r`'s text, video, fault and exactly-once figures.
void add_figures(const recording& rec, report& r);

}  // namespace bench::cluster_room
