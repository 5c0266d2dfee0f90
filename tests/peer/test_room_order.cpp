// The room with an order (peer/text_order.hpp), as a cluster's stream sets
// it: what is handed on, what is delivered and to whom, and where a peer
// coming back goes on.
#include <catch2/catch.hpp>

#include "peer/room_fixture.hpp"

namespace room_order_test {

using namespace room_test;

/// An order that keeps what it is handed, and numbers it as a stream would.
struct recording_order final : peer::text_order {
  bool submit(std::uint64_t author, const protocol::text_message& m) override {
    if (full) return false;
    taken.push_back({author, m.seq, m});
    taken.back().m.seq = ++next_place;
    return true;
  }
  /// Returns the oldest line not yet returned to `room`, as the cluster link would.
  bool give_back(peer::room& room, const peer::participant& via) {
    REQUIRE(returned < taken.size());
    return room.ordered(via, taken[returned++]);
  }
  std::vector<peer::ordered_text> taken;
  std::size_t returned = 0;
  std::uint64_t next_place = 0;
  bool full = false;
};

/// A room ordered by a recording order, with the cluster's link in it.
struct ordered_room : room_fixture {
  ordered_room() {
    room.order_by(order, 0x4057);
    cluster = join(1, "cluster", 0xc1);
  }
  recording_order order;
  std::shared_ptr<fake_participant> cluster;
};

}  // namespace room_order_test

using namespace room_order_test;

TEST_CASE("with an order, a line said here reaches the room only as the order returns it, numbered by it",
          "[room][order]") {
  ordered_room f;
  auto& order = f.order;
  auto& cluster = f.cluster;
  auto alice = f.join(2, "alice", 0xa11ce);
  auto bob = f.join(3, "bob", 0xb0b);
  f.room.on_position(*alice, 0);
  f.room.on_position(*bob, 0);
  REQUIRE(f.room.on_text(*alice, text_from(*alice, 7)));
  f.say({"hi"});
  // Handed on, not delivered: the user sees their own line at once, nobody else yet.
  REQUIRE(order.taken.size() == 2);
  CHECK(order.taken[0].author == 0xa11ce);
  CHECK(order.taken[0].author_seq == 7);
  CHECK(order.taken[1].author == 0x4057);
  CHECK(bob->texts.empty());
  CHECK(f.said().find("peer text alice") == std::string::npos);
  CHECK(f.said().find("our text host: hi") != std::string::npos);

  // As the order returns them: to everyone but their author, numbered by the order.
  CHECK(order.give_back(f.room, *cluster));
  CHECK(order.give_back(f.room, *cluster));
  CHECK(alice->texts == std::vector<std::uint64_t>{2});
  CHECK(bob->texts == std::vector<std::uint64_t>{1, 2});
  CHECK(bob->lines() == lines{"alice: line 7", "host: hi"});
  CHECK(f.said().find("peer text alice: line 7") != std::string::npos);
  // The user's own line is not shown a second time.
  CHECK(f.said().find("peer text host: hi") == std::string::npos);
}

TEST_CASE("with an order, a line the order returns twice (stored twice) is delivered once", "[room][order]") {
  ordered_room f;
  auto& order = f.order;
  auto& cluster = f.cluster;
  auto bob = f.join(3, "bob", 0xb0b);
  f.room.on_position(*bob, 0);
  peer::ordered_text t{0xa11ce, 4, {10, 1, "alice", "once"}};
  CHECK(f.room.ordered(*cluster, t));
  t.m.seq = 11;
  CHECK_FALSE(f.room.ordered(*cluster, t));
  CHECK(bob->texts == std::vector<std::uint64_t>{10});
  // Alice, coming here later with it unacknowledged, is acknowledged, and it is not handed on again.
  auto alice = f.join(2, "alice", 0xa11ce);
  CHECK(f.room.known_up_to(*alice) == 4);
  CHECK_FALSE(f.room.on_text(*alice, text_from(*alice, 4)));
  CHECK(order.taken.empty());
}

TEST_CASE("with an order, a peer is sent nothing until it says where it is, then what came after it, not its own",
          "[room][order]") {
  ordered_room f;
  auto& cluster = f.cluster;
  // The room's lines, from alice (elsewhere) and carol; bob had the first two, on another node.
  for (std::uint64_t i = 1; i <= 4; ++i)
    REQUIRE(f.room.ordered(
        *cluster,
        {i % 2 ? std::uint64_t{0xa11ce} : std::uint64_t{0xca201}, i, {i, 1, i % 2 ? "alice" : "carol", "l"}}));
  auto bob = f.join(3, "bob", 0xb0b);
  REQUIRE(f.room.ordered(*cluster, {0xca201, 5, {5, 1, "carol", "while bob says nothing"}}));
  CHECK(bob->texts.empty());
  f.room.on_position(*bob, 2);
  CHECK(bob->texts == std::vector<std::uint64_t>{3, 4, 5});
  CHECK(f.said().find("sending bob the 3 messages it missed") != std::string::npos);
  REQUIRE(f.room.ordered(*cluster, {0xa11ce, 6, {6, 1, "alice", "after"}}));
  CHECK(bob->texts == std::vector<std::uint64_t>{3, 4, 5, 6});
  f.room.on_position(*bob, 6);  // said once only
  CHECK(bob->texts.size() == 4);

  // Carol comes back here; she is not sent her own lines, only what she did not have.
  auto carol = f.join(4, "carol", 0xca201);
  f.room.on_position(*carol, 1);
  CHECK(carol->texts == std::vector<std::uint64_t>{3, 6});
}

TEST_CASE("with an order, a newcomer is given the latest lines only, and the history has a bound", "[room][order]") {
  ordered_room f;
  auto& cluster = f.cluster;
  const auto total = peer::ordered_history::max_texts + 10;
  for (std::uint64_t i = 1; i <= total; ++i) REQUIRE(f.room.ordered(*cluster, {0xa11ce, i, {i, 1, "alice", "l"}}));
  auto newcomer = f.join(2, "dave", 0xda4e);
  f.room.on_position(*newcomer, 0);
  REQUIRE(newcomer->texts.size() == peer::ordered_history::for_newcomers);
  CHECK(newcomer->texts.front() == total - peer::ordered_history::for_newcomers + 1);
  CHECK(newcomer->texts.back() == total);
  // One away since line 3 gets all that is kept, and is told the rest is not.
  auto away = f.join(3, "erin", 0xe1);
  f.room.on_position(*away, 3);
  CHECK(away->texts.size() == peer::ordered_history::max_texts);
  CHECK(away->texts.front() == 11);
  CHECK(f.said().find("erin was away longer than this node keeps the room's lines: those up to #10 are not sent") !=
        std::string::npos);
}

TEST_CASE("with an order, a peer's texts are acknowledged when stored, on its link of the moment", "[room][order]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  CHECK_FALSE(f.room.holds_acks(*alice));
  recording_order order;
  f.room.order_by(order, 0x4057);
  CHECK(f.room.holds_acks(*alice));
  REQUIRE(f.room.on_text(*alice, text_from(*alice, 1)));
  CHECK(alice->acknowledged.empty());
  // Stored: alice is told, bob (another author) is not.
  f.room.stored(0xa11ce, 1);
  CHECK(alice->acknowledged == std::vector<std::uint64_t>{1});
  CHECK(bob->acknowledged.empty());
  // An author nobody here speaks for: nothing happens.
  f.room.stored(0x5eed, 9);
  CHECK(alice->acknowledged.size() == 1);
  CHECK(bob->acknowledged.empty());
}

TEST_CASE("with an order, the user's line it cannot take is refused, and nothing is shown", "[room][order]") {
  room_fixture f;
  recording_order order;
  order.full = true;
  f.room.order_by(order, 0x4057);
  CHECK(f.room.send_local_text("lost?") == peer::room::local_text::refused);
  CHECK(f.said().empty());
}
