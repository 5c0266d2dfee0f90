#include "chatnode/cluster/presence_board.hpp"

namespace chatnode::cluster {

std::vector<presence_board::change> presence_board::heard(std::uint64_t node, const std::string& node_name,
                                                          const std::set<std::string>& names, clock::time_point now) {
  std::vector<change> out;
  auto [it, fresh] = nodes_.try_emplace(node, entry{node_name, {}, now, false});
  auto& e = it->second;
  if (e.away && !fresh)
    for (const auto& n : e.names)
      if (names.count(n)) out.push_back({change::kind::back, node_name, n});
  for (const auto& n : names)
    if (!e.names.count(n)) out.push_back({change::kind::joined, node_name, n});
  for (const auto& n : e.names)
    if (!names.count(n)) out.push_back({change::kind::left, node_name, n});
  e = {node_name, names, now, false};
  return out;
}

std::vector<presence_board::change> presence_board::tick(clock::time_point now) {
  std::vector<change> out;
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    auto& e = it->second;
    if (now - e.heard >= gone_after) {
      for (const auto& n : e.names) out.push_back({change::kind::gone, e.node_name, n});
      it = nodes_.erase(it);
      continue;
    }
    if (!e.away && now - e.heard >= away_after) {
      e.away = true;
      for (const auto& n : e.names) out.push_back({change::kind::away, e.node_name, n});
    }
    ++it;
  }
  return out;
}

std::map<std::string, std::set<std::string>> presence_board::everyone() const {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [id, e] : nodes_) out[e.node_name].insert(e.names.begin(), e.names.end());
  return out;
}

}  // namespace chatnode::cluster
