// Reading chat lines ("[hh:mm:ss] NAME: TEXT") from a node's standard output.
#pragma once

#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace test_support {

/// Matches a chat line from NAME containing TEXT.
inline auto says(const std::string& name, const std::string& text) {
  return [needle = "] " + name + ": " + text](const std::string& l) { return l.find(needle) != std::string::npos; };
}

/// Numbers of the lines "] NAME: PREFIX<n>..." in the order they were printed.
inline std::vector<int> numbered(const child_process& p, const std::string& name, const std::string& prefix) {
  std::vector<int> out;
  const std::regex re("\\] " + name + ": " + prefix + "([0-9]+)");
  std::smatch m;
  for (const auto& l : p.lines(child_process::stream::out))
    if (std::regex_search(l, m, re)) out.push_back(std::stoi(m[1]));
  return out;
}

/// Types lines "PREFIX<from>" .. "PREFIX<to - 1>" into `p`, as one write.
inline void type_numbered(child_process& p, const std::string& prefix, int from, int to) {
  std::string lines;
  for (int i = from; i < to; ++i) lines += prefix + std::to_string(i) + "\n";
  p.write_stdin(lines);
}

/// from, from + 1, ... to - 1: what `numbered` returns when every line arrived once, in order.
inline std::vector<int> count_up(int from, int to) {
  std::vector<int> out;
  for (int i = from; i < to; ++i) out.push_back(i);
  return out;
}

inline void require_joined(child_process& p, const std::string& peer) {
  INFO(p.transcript(child_process::stream::err));
  REQUIRE(p.wait_for(child_process::stream::out, "* " + peer + " ("));
}

}  // namespace test_support
