#include <catch2/catch.hpp>

#include "chatnode/cluster/presence_board.hpp"

namespace presence_test {

using chatnode::cluster::presence_board;
using kind = presence_board::change::kind;
using namespace std::chrono_literals;

const auto t0 = presence_board::clock::time_point{} + 1h;

std::vector<std::string> said(const std::vector<presence_board::change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) {
    const char* what = c.what == kind::joined ? "joined"
                       : c.what == kind::left ? "left"
                       : c.what == kind::away ? "away"
                       : c.what == kind::back ? "back"
                                              : "gone";
    out.push_back(std::string(what) + " " + c.node + ": " + c.name);
  }
  return out;
}

}  // namespace presence_test

using namespace presence_test;

TEST_CASE("a node's list says who joined and who left it", "[cluster][presence]") {
  presence_board b;
  CHECK(said(b.heard(1, "alice", {"alice", "peggy"}, t0)) ==
        std::vector<std::string>{"joined alice: alice", "joined alice: peggy"});
  CHECK(b.heard(1, "alice", {"alice", "peggy"}, t0 + 2s).empty());
  CHECK(said(b.heard(1, "alice", {"alice", "victor"}, t0 + 4s)) ==
        std::vector<std::string>{"joined alice: victor", "left alice: peggy"});
  CHECK(b.everyone() == std::map<std::string, std::set<std::string>>{{"alice", {"alice", "victor"}}});
}

TEST_CASE("a silent node is away, back when heard again, gone and forgotten past its bound", "[cluster][presence]") {
  presence_board b;
  b.heard(1, "alice", {"alice", "peggy"}, t0);
  b.heard(2, "bob", {"bob"}, t0);
  CHECK(b.tick(t0 + presence_board::away_after - 1s).empty());
  b.heard(2, "bob", {"bob"}, t0 + 5s);
  CHECK(said(b.tick(t0 + presence_board::away_after)) ==
        std::vector<std::string>{"away alice: alice", "away alice: peggy"});
  CHECK(b.tick(t0 + presence_board::away_after + 1s).empty());  // said once
  // Back, and peggy left meanwhile.
  CHECK(said(b.heard(1, "alice", {"alice"}, t0 + 7s)) ==
        std::vector<std::string>{"back alice: alice", "left alice: peggy"});
  // bob, last heard at 5 s, ages out; alice, heard at 7 s, is away by then.
  CHECK(said(b.tick(t0 + 5s + presence_board::gone_after)) ==
        std::vector<std::string>{"away alice: alice", "gone bob: bob"});
  CHECK(b.everyone().count("bob") == 0);
}
