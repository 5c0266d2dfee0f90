#include "slow_link_pair.hpp"

#include "support/stats_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace bench::slow_link {
namespace {

using namespace std::chrono_literals;
using stream = child_process::stream;

/// What bob types: "slow_link N"; alice prints it as "[hh:mm:ss] bob: slow_link N".
constexpr const char* line_prefix = "slow_link ";
constexpr const char* arrived_prefix = "] bob: slow_link ";
/// A /stats row has 21 columns (src/stats/report.cpp); a shorter one is not read.
constexpr std::size_t row_columns = 21;
/// An unanswered /stats request is repeated after this long.
constexpr auto stats_patience = 2s;

// child_process waits in whole milliseconds and spins through the last fraction of one,
// so a wait is never shorter than two (one blocked, the spin after it) nor long.
constexpr auto min_wait = 2ms;
constexpr auto idle_wait = 50ms;
/// While bob's answer to /stats is awaited, alice's waits are shorter, to read it soon.
constexpr auto bob_answer_wait = 10ms;
constexpr auto bob_read_every = 100ms;

/// Reads `p`'s output until it prints a line on standard output or `until` passes.
void wait_for_more(child_process& p, clock::time_point until) {
  const auto before = p.lines(stream::out).size();
  const auto wait =
      std::max<std::chrono::milliseconds>(min_wait, std::chrono::ceil<std::chrono::milliseconds>(until - clock::now()));
  p.wait_for_count(
      stream::out, [](const std::string&) { return true; }, before + 1, wait);
}

}  // namespace

pair_watch::pair_watch(node_pair& pair, std::uint32_t seed) : pair_(pair), random_(seed) {
  // Start reading after what the join printed.
  alice_out_read_ = pair_.alice->lines(stream::out).size();
  bob_out_read_ = pair_.bob->lines(stream::out).size();
}

void pair_watch::set_typing(bool on) {
  if (on && !typing_) next_line_ = clock::now();
  typing_ = on;
}

bool pair_watch::step(clock::time_point end) {
  // alice's output is what the text latency is read from: wait on it, to the next thing due.
  auto until = std::min(end, clock::now() + (bob_asked_ ? bob_answer_wait : idle_wait));
  if (typing_) until = std::min(until, next_line_);
  if (sample_every_ != clock::duration::zero()) until = std::min(until, next_sample_);
  wait_for_more(*pair_.alice, until);
  // bob's: an answer to /stats, or what he said meanwhile (his pipes must not fill).
  if (bob_asked_ || clock::now() >= next_bob_read_) {
    wait_for_more(*pair_.bob, clock::now() + min_wait);
    next_bob_read_ = clock::now() + bob_read_every;
  }
  const auto now = clock::now();
  type_due(now);
  request_due(now);
  return collect_rows();
}

void pair_watch::type_due(clock::time_point now) {
  if (!typing_ || now < next_line_) return;
  const auto n = typed_.size();
  typed_.push_back({clock::now(), std::nullopt});
  pair_.bob->write_stdin(line_prefix + std::to_string(n) + "\n");
  std::uniform_int_distribution<int> gap_ms(100, 500);
  next_line_ = now + std::chrono::milliseconds(gap_ms(random_));
}

void pair_watch::request_due(clock::time_point now) {
  if (sample_every_ == clock::duration::zero() || now < next_sample_) return;
  for (auto [p, asked] : {std::pair{pair_.alice.get(), &alice_asked_}, std::pair{pair_.bob.get(), &bob_asked_}}) {
    if (*asked && now - **asked < stats_patience) continue;
    p->write_stdin("/stats\n");
    *asked = now;
  }
  next_sample_ = std::max(next_sample_ + sample_every_, now);
}

bool pair_watch::collect_rows() {
  bool fresh = false;
  const auto read = [&](child_process& p, std::size_t& cursor, const std::string& peer, std::vector<stats_sample>& rows,
                        std::optional<clock::time_point>& asked) {
    const auto& lines = p.lines(stream::out);
    const auto& times = p.line_times(stream::out);
    for (; cursor < lines.size(); ++cursor) {
      const auto& l = lines[cursor];
      if (l.starts_with(peer + " ")) {
        auto cols = test_support::stats_columns(l);
        if (cols.size() < row_columns) continue;
        rows.push_back({times[cursor], std::move(cols)});
        asked.reset();
        fresh = true;
      } else if (const auto at = l.find(arrived_prefix); at != std::string::npos && &p == pair_.alice.get()) {
        const auto n = std::stoul(l.substr(at + std::string(arrived_prefix).size()));
        if (n < typed_.size() && !typed_[n].arrived) typed_[n].arrived = times[cursor];
      }
    }
  };
  read(*pair_.alice, alice_out_read_, "bob", alice_rows_, alice_asked_);
  read(*pair_.bob, bob_out_read_, "alice", bob_rows_, bob_asked_);
  return fresh;
}

void pair_watch::drain(clock::duration bound) {
  const auto all_arrived = [this] {
    for (const auto& t : typed_)
      if (!t.arrived) return false;
    return true;
  };
  const auto end = clock::now() + bound;
  while (!all_arrived() && clock::now() < end) step(end);
}

output_mark pair_watch::mark() const {
  return {pair_.alice->lines(stream::out).size(), pair_.alice->lines(stream::err).size(),
          pair_.bob->lines(stream::out).size(), pair_.bob->lines(stream::err).size()};
}

std::vector<std::string> pair_watch::link_events(const output_mark& from) const {
  std::vector<std::string> found;
  const auto scan = [&](const char* who, const child_process& p, stream s, std::size_t start) {
    const auto& lines = p.lines(s);
    for (auto i = start; i < lines.size(); ++i) {
      const auto& l = lines[i];
      if (l.find("left") != std::string::npos || l.find("reconnect") != std::string::npos ||
          l.find("lost") != std::string::npos)
        found.push_back(std::string(who) + ": " + l);
    }
  };
  scan("alice", *pair_.alice, stream::out, from.alice_out);
  scan("alice", *pair_.alice, stream::err, from.alice_err);
  scan("bob", *pair_.bob, stream::out, from.bob_out);
  scan("bob", *pair_.bob, stream::err, from.bob_err);
  return found;
}

}  // namespace bench::slow_link
