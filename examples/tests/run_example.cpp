#include "run_example.hpp"

#include <catch2/catch.hpp>

#include "support/child_process.hpp"

namespace examples_test {

example_run run_example(const std::string& program, const std::vector<std::string>& args) {
  using test_support::child_process;
  std::vector<std::string> argv{test_support::examples_dir() + "/" + program};
  argv.insert(argv.end(), args.begin(), args.end());

  child_process p(argv);
  p.close_stdin();
  const auto code = p.wait_exit(std::chrono::seconds(60));
  INFO(program << " stderr:\n" << p.transcript(child_process::stream::err));
  REQUIRE(code.has_value());
  return {*code, p.transcript(child_process::stream::out), p.lines(child_process::stream::out),
          p.transcript(child_process::stream::err)};
}

}  // namespace examples_test
