// The bank account: unprotected updates get lost; a mutex or a strand keeps
// the balance exact.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "run_example.hpp"

using examples_test::run_example;

namespace {

const std::string iterations = "20000";

struct balances {
  long expected;
  long final;
};

balances read_balances(const examples_test::example_run& run) {
  INFO("output:\n" << run.out);
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.empty());
  std::smatch expected, final;
  REQUIRE(std::regex_search(run.out, expected, std::regex("expected balance: (-?[0-9]+)")));
  REQUIRE(std::regex_search(run.out, final, std::regex("final balance: (-?[0-9]+)")));
  return {std::stol(expected[1]), std::stol(final[1])};
}

}  // namespace

TEST_CASE("bank_race: unprotected updates are lost", "[bank]") {
  // Lost deposits and lost withdrawals could, by chance, cancel out exactly;
  // a few runs make that chance negligible. In practice every run shows it.
  constexpr int max_runs = 5;
  int runs = 0, wrong = 0;
  std::string log;
  while (runs < max_runs && wrong == 0) {
    const auto b = read_balances(run_example("bank_race", {"--iterations", iterations}));
    ++runs;
    if (b.final != b.expected) ++wrong;
    log += "run " + std::to_string(runs) + ": expected " + std::to_string(b.expected) + ", final " +
           std::to_string(b.final) + "\n";
  }
  INFO(log);
  CHECK(wrong > 0);
}

TEST_CASE("bank_mutex: the balance is exact", "[bank]") {
  const auto b = read_balances(run_example("bank_mutex", {"--iterations", iterations}));
  CHECK(b.final == b.expected);
}

TEST_CASE("bank_strand: the balance is exact, with one io_context thread or several", "[bank]") {
  const auto threads = GENERATE(as<std::string>{}, "1", "4");
  const auto b = read_balances(run_example("bank_strand", {"--iterations", iterations, "--threads", threads}));
  CHECK(b.final == b.expected);
}
