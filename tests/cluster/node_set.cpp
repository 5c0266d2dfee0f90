#include "cluster/node_set.hpp"

#include <algorithm>
#include <csignal>

namespace cluster_test {

using test_support::child_process;

void node_set::add(test_support::listening_node n) {
  nodes.push_back(std::move(n));
  alive.push_back(true);
}

std::optional<int> node_set::kill(std::size_t i) {
  nodes[i].process->signal(SIGKILL);
  alive[i] = false;
  return nodes[i].process->wait_exit();
}

void node_set::drain(std::chrono::milliseconds d) {
  const auto each =
      std::max(std::chrono::milliseconds(1), d / static_cast<int>(std::max<std::size_t>(nodes.size(), 1)));
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (alive[i]) nodes[i].process->read_output_for(each);
}

void node_set::drain_until(clock::time_point t) {
  while (clock::now() < t) drain(std::chrono::milliseconds(30));
}

std::vector<std::size_t> node_set::err_lines() const {
  std::vector<std::size_t> n;
  for (const auto& node : nodes) n.push_back(node.process->lines(child_process::stream::err).size());
  return n;
}

std::optional<node_set::clock::time_point> node_set::logged_by_others(std::size_t except, const std::string& needle,
                                                                      const std::vector<std::size_t>& from,
                                                                      std::chrono::seconds limit) {
  std::optional<clock::time_point> last;
  const bool all = wait_until(limit, [&] {
    last.reset();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (i == except || !alive[i]) continue;
      const auto& lines = nodes[i].process->lines(child_process::stream::err);
      const auto& times = nodes[i].process->line_times(child_process::stream::err);
      std::size_t k = from[i];
      while (k < lines.size() && lines[k].find(needle) == std::string::npos) ++k;
      if (k == lines.size()) return false;
      last = std::max(last.value_or(times[k]), times[k]);
    }
    return true;
  });
  return all ? last : std::nullopt;
}

}  // namespace cluster_test
