// Two chat_node processes across an emulated link (tests/support/emulated_link),
// and a watch over them: it waits on alice's output, so that every line she
// prints is stamped as it reaches her standard output, and between her lines
// types bob's numbered lines when they are due, asks both for /stats on a
// schedule and reads bob's answers (a wait on bob is 2 ms at most).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/emulated_link.hpp"
#include "support/link_pair.hpp"

namespace bench::slow_link {

using clock = std::chrono::steady_clock;
using test_support::child_process;
using test_support::emulated_link;
using test_support::node_pair;
using test_support::start_pair;

/// One /stats row about the other node, as whitespace-split columns, and when it was read.
struct stats_sample {
  clock::time_point at;
  std::vector<std::string> cols;
};

/// A line bob typed: when it went into his standard input and when alice printed it.
struct typed_line {
  clock::time_point sent;
  std::optional<clock::time_point> arrived;
};

/// Where each of the four output streams was at one moment, to look at what came after.
struct output_mark {
  std::size_t alice_out = 0, alice_err = 0, bob_out = 0, bob_err = 0;
};

class pair_watch {
 public:
  pair_watch(node_pair& pair, std::uint32_t seed);

  /// Bob types a numbered line every 100 to 500 ms (uniform, from the seed) while on.
  void set_typing(bool on);
  /// Both nodes are asked for /stats this often; zero: never.
  void set_sampling(clock::duration every) { sample_every_ = every; }

  /// Reads, types and samples until `end`, or until `done()` holds after a new sample.
  template <typename Done>
  void run_until(clock::time_point end, Done done) {
    while (clock::now() < end) {
      if (step(end) && done()) return;
    }
  }
  void run_until(clock::time_point end) {
    run_until(end, [] { return false; });
  }
  /// Runs until every typed line arrived, at most `bound`; typing stays as it was.
  void drain(clock::duration bound);

  const std::vector<typed_line>& typed() const { return typed_; }
  /// alice's rows about bob and bob's rows about alice, in the order they were read.
  const std::vector<stats_sample>& alice_rows() const { return alice_rows_; }
  const std::vector<stats_sample>& bob_rows() const { return bob_rows_; }

  output_mark mark() const;
  /// Lines either node printed since `from` that tell of a peer leaving, a reconnection or a lost link.
  std::vector<std::string> link_events(const output_mark& from) const;

 private:
  /// One turn: waits for alice's next line (at most until the next thing due, or `end`), reads
  /// bob's output when an answer is awaited or a while has passed, types if due, asks for
  /// /stats if due; true when a new row was read.
  bool step(clock::time_point end);
  void type_due(clock::time_point now);
  void request_due(clock::time_point now);
  /// Reads the new lines of both stdouts: /stats rows, and alice's arrivals of bob's lines.
  bool collect_rows();

  node_pair& pair_;
  std::mt19937 random_;
  bool typing_ = false;
  clock::time_point next_line_{};
  clock::time_point next_bob_read_{};
  std::vector<typed_line> typed_;
  std::size_t alice_out_read_ = 0, bob_out_read_ = 0;  ///< lines of each stdout already looked at
  clock::duration sample_every_{0};
  clock::time_point next_sample_{};
  /// A request is not repeated while the last one is unanswered, up to this long.
  std::optional<clock::time_point> alice_asked_, bob_asked_;
  std::vector<stats_sample> alice_rows_, bob_rows_;
};

}  // namespace bench::slow_link
