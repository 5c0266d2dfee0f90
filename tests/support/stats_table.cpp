#include "support/stats_table.hpp"

#include <sstream>
#include <stdexcept>

namespace test_support {

std::vector<std::string> stats_row(child_process& p, const std::string& peer) {
  const auto is_row = [peer](const std::string& l) { return l.starts_with(peer + " "); };
  const auto before = p.wait_for_count(child_process::stream::out, is_row, 1000000, 0ms);
  p.write_stdin("/stats\n");
  if (p.wait_for_count(child_process::stream::out, is_row, before + 1) != before + 1)
    throw std::runtime_error("no /stats row about " + peer + " within the deadline; output so far:\n" +
                             p.transcript(child_process::stream::out));
  std::string row;
  for (const auto& l : p.lines(child_process::stream::out))
    if (is_row(l)) row = l;
  auto cols = stats_columns(row);
  if (cols.size() < 16) throw std::runtime_error("short /stats row: " + row);
  return cols;
}

std::vector<std::string> stats_columns(const std::string& row) {
  std::istringstream in(row);
  std::vector<std::string> cols;
  for (std::string c; in >> c;) cols.push_back(c);
  return cols;
}

long stats_value(child_process& p, const std::string& peer, int column) {
  return std::stol(stats_row(p, peer)[static_cast<std::size_t>(column)]);
}

long wait_for_stat(child_process& p, const std::string& peer, int column, const std::function<bool(long)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + default_wait;
  long value = stats_value(p, peer, column);
  while (!done(value) && std::chrono::steady_clock::now() < deadline) {
    p.wait_for(child_process::stream::out, "never printed", 200ms);
    value = stats_value(p, peer, column);
  }
  return value;
}

}  // namespace test_support
