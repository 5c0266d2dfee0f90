// Who is in the room on the other nodes of the cluster, from the lists each
// node publishes every two seconds: a name new in a node's list has joined,
// one gone from it has left; a node not heard from for a while has its peers
// shown away, then gone. A node only ever says who is on itself: none deletes
// another's state, which ages out here instead. Pure: the caller gives the times.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace chatnode::cluster {

class presence_board {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds publish_every{2};
  static constexpr std::chrono::seconds away_after{6};
  static constexpr std::chrono::seconds gone_after{15};

  struct change {
    enum class kind { joined, left, away, back, gone };
    kind what;
    std::string node;  ///< the node's own name
    std::string name;  ///< the peer's: one change a name
  };

  /// Node `node` (named `node_name`) says these are on it now.
  std::vector<change> heard(std::uint64_t node, const std::string& node_name, const std::set<std::string>& names,
                            clock::time_point now);
  /// Nodes silent past away_after are away, past gone_after gone (and forgotten).
  std::vector<change> tick(clock::time_point now);
  /// Everyone on the other nodes, by node name.
  std::map<std::string, std::set<std::string>> everyone() const;

 private:
  struct entry {
    std::string node_name;
    std::set<std::string> names;
    clock::time_point heard;
    bool away = false;
  };
  std::map<std::uint64_t, entry> nodes_;
};

}  // namespace chatnode::cluster
