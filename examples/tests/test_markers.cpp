// The three marker programs: every line arrives; with a lock lines are whole;
// with turns they come in rotation; and the main thread counts down to 0.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "run_example.hpp"

using examples_test::run_example;

namespace {

// The course's counts: lines per marker, 50 characters each.
const std::map<char, int> expected_lines{{'A', 40}, {'B', 30}, {'C', 20}, {'D', 10}};
constexpr int line_length = 50;

// Scaled delays keep each run well under a second.
const std::string fast = "0.01";

/// Removes every "alive: N\n" from `text` (it may sit inside an unlocked
/// marker line) and returns the Ns in order.
std::vector<int> take_alive_reports(std::string& text) {
  std::vector<int> reports;
  const std::string tag = "alive: ";
  for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag, at)) {
    const auto end = text.find('\n', at);
    REQUIRE(end != std::string::npos);
    reports.push_back(std::stoi(text.substr(at + tag.size(), end - at - tag.size())));
    text.erase(at, end + 1 - at);
  }
  return reports;
}

/// The main thread reports a shrinking count of running threads, ending at 0.
void check_alive_reports(const std::vector<int>& reports) {
  INFO("alive reports: " << Catch::Detail::stringify(reports));
  REQUIRE(!reports.empty());
  CHECK(reports.front() <= 4);
  CHECK(std::adjacent_find(reports.begin(), reports.end(), std::less_equal<>()) == reports.end());
  CHECK(reports.back() == 0);
}

bool is_marker_line(const std::string& line) {
  return line.size() == line_length && expected_lines.count(line[0]) &&
         std::all_of(line.begin(), line.end(), [&](char c) { return c == line[0]; });
}

/// Marker lines in order, after checking every line is alive report or a whole marker line.
std::vector<char> whole_marker_lines(const examples_test::example_run& run) {
  std::vector<char> markers;
  for (const auto& line : run.out_lines) {
    if (line.rfind("alive: ", 0) == 0) continue;
    INFO("line: '" << line << "'");
    REQUIRE(is_marker_line(line));
    markers.push_back(line[0]);
  }
  return markers;
}

}  // namespace

TEST_CASE("markers: every character arrives, interleaved or not, and alive counts down to 0", "[markers]") {
  // Scale 0 runs the threads flat out, where interleaving is likeliest.
  const auto scale = GENERATE(as<std::string>{}, fast, "0");
  const auto run = run_example("markers", {"--delay-scale", scale});
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.empty());

  std::string text = run.out;
  check_alive_reports(take_alive_reports(text));
  for (const auto& [letter, lines] : expected_lines)
    CHECK(std::count(text.begin(), text.end(), letter) == lines * line_length);
  CHECK(std::count(text.begin(), text.end(), '\n') == 100);
  CHECK(text.find_first_not_of("ABCD\n") == std::string::npos);
}

TEST_CASE("markers_locked: every line is 50 identical markers, 40/30/20/10 of each", "[markers]") {
  const auto scale = GENERATE(as<std::string>{}, fast, "0");
  const auto run = run_example("markers_locked", {"--delay-scale", scale});
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.empty());

  std::string text = run.out;
  check_alive_reports(take_alive_reports(text));
  const auto markers = whole_marker_lines(run);
  for (const auto& [letter, lines] : expected_lines)
    CHECK(std::count(markers.begin(), markers.end(), letter) == lines);
  CHECK(markers.size() == 100);
}

TEST_CASE("markers_in_turn: A, B, C, D in rotation, a marker out of lines drops out", "[markers]") {
  const auto scale = GENERATE(as<std::string>{}, fast, "0");
  const auto run = run_example("markers_in_turn", {"--delay-scale", scale});
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.empty());

  std::string text = run.out;
  check_alive_reports(take_alive_reports(text));
  const auto markers = whole_marker_lines(run);
  std::string expected;
  for (const char* round : {"ABCD", "ABC", "AB", "A"})
    for (int i = 0; i < 10; ++i) expected += round;
  CHECK(std::string(markers.begin(), markers.end()) == expected);
}
