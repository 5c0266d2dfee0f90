// Runs one of the example programs to its end and keeps what it printed.
#pragma once

#include <string>
#include <vector>

namespace examples_test {

struct example_run {
  int exit_code = -1;
  std::string out;                     ///< all of stdout
  std::vector<std::string> out_lines;  ///< stdout, line by line
  std::string err;                     ///< all of stderr
};

/// Runs `program` (a target in examples/) with `args`; fails the test if it
/// has not exited within a generous bound.
example_run run_example(const std::string& program, const std::vector<std::string>& args);

}  // namespace examples_test
