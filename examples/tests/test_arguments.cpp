// Every example refuses a bad command line with a message and exit code 2,
// and explains itself on --help.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "run_example.hpp"

using examples_test::run_example;

namespace {

struct bad_command_line {
  std::string program;
  std::vector<std::string> args;
};

}  // namespace

TEST_CASE("a bad argument is a usage error: message on stderr, exit code 2", "[arguments]") {
  const auto bad = GENERATE(values<bad_command_line>({
      {"markers", {"--bogus"}},
      {"markers", {"positional"}},
      {"markers", {"--delay-scale"}},
      {"markers_locked", {"--delay-scale", "fast"}},
      {"markers_in_turn", {"--delay-scale", "-1"}},
      {"markers_in_turn", {"--delay-scale", "nan"}},
      {"bank_race", {"--iterations", "0"}},
      {"bank_mutex", {"--iterations", "12abc"}},
      {"bank_strand", {"--iterations", "1.5"}},
      {"bank_strand", {"--threads", "0"}},
      {"bank_strand", {"--threads", "99999999999999999999"}},
  }));
  INFO(bad.program << " " << Catch::Detail::stringify(bad.args));
  const auto run = run_example(bad.program, bad.args);
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());
  CHECK(run.err.find("error: ") != std::string::npos);
  CHECK(run.err.find("usage: " + bad.program) != std::string::npos);
}

TEST_CASE("the option --help prints the usage and exits 0", "[arguments]") {
  const auto program = GENERATE(as<std::string>{}, "markers", "markers_locked", "markers_in_turn", "bank_race",
                                "bank_mutex", "bank_strand");
  const auto run = run_example(program, {"--help"});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("usage: " + program) != std::string::npos);
  CHECK(run.err.empty());
}
