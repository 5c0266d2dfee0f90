// The room's rules with fake participants, without sockets or processes: what
// each peer is sent, and what the room publishes (peer/room_events.hpp).
#include <catch2/catch.hpp>

#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chatnode/peer/room.hpp"
#include "peer/fake_participant.hpp"

namespace room_test {

using peer_test::fake_participant;
namespace peer = chatnode::peer;
namespace protocol = chatnode::protocol;

/// What the room published, as one text: texts, joins, leaves and notices, a line each.
struct recorder final : peer::room_subscriber {
  void on_joined(const peer::participant& p) override { add(p.peer_hello().name + " (" + p.remote() + ") joined"); }
  void on_left(const peer::participant& p, const std::string& reason) override {
    add(p.peer_hello().name + " (" + p.remote() + ") left: " + reason);
  }
  void on_notice(const std::string& text) override { add(text); }
  void on_text(const protocol::text_message& m, const peer::participant* from) override {
    add((from ? "peer text " : "our text ") + m.origin + ": " + m.body);
  }
  void add(const std::string& line) {
    std::lock_guard lock(mutex);
    all += line + "\n";
  }
  std::mutex mutex;
  std::string all;
};

/// A room, what it published, and its participants' executor.
struct room_fixture {
  explicit room_fixture(std::size_t max_peers = 16) : room{"host", max_peers} { room.subscribe(events); }

  recorder events;
  chatnode::net::io_context ioc;
  peer::room room;

  std::string said() {
    std::lock_guard lock(events.mutex);
    return events.all;
  }

  std::shared_ptr<fake_participant> join(int id, const std::string& name, std::uint64_t node_id) {
    auto p = std::make_shared<fake_participant>(ioc.get_executor(), id, name, node_id);
    room.on_joined(p);
    return p;
  }
  /// The link is lost: no bye, and `unacked` of what it was sent never acknowledged.
  void lose(fake_participant& p, std::vector<peer::outgoing_text> unacked = {}) {
    room.on_leaving(p);
    room.on_closed(p, true, "connection lost", std::move(unacked));
  }
  /// The local user says each line; all must be taken.
  void say(std::initializer_list<const char*> lines) {
    for (const char* l : lines) REQUIRE(room.send_local_text(l) != peer::room::local_text::refused);
  }
};

using lines = std::vector<std::string>;

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

protocol::text_message text_from(const fake_participant& p, std::uint64_t seq) {
  return {seq, 1'700'000'000'000'000ull, p.peer_hello().name, "line " + std::to_string(seq)};
}

}  // namespace room_test

using namespace room_test;

TEST_CASE("a text from one peer reaches the others, not itself, and a resend of it is dropped", "[room]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  CHECK(f.room.on_text(*alice, text_from(*alice, 1)));
  CHECK(alice->texts.empty());
  REQUIRE(bob->texts.size() == 1);
  // The same text again, as a reconnecting peer resends what was not acknowledged.
  CHECK_FALSE(f.room.on_text(*alice, text_from(*alice, 1)));
  CHECK(bob->texts.size() == 1);
  CHECK(f.room.on_text(*alice, text_from(*alice, 2)));
  CHECK(bob->texts.size() == 2);
}

TEST_CASE("peers that left without bye are remembered for dropping resends, up to a bound", "[room]") {
  room_fixture f;
  auto host_peer = f.join(1, "carol", 0xca201);
  // Visitors that each say a line and lose their link: 80 000 of them once grew the map by 5 MiB.
  const int visitors = static_cast<int>(peer::room::max_senders_remembered) + 500;
  for (int i = 0; i < visitors; ++i) {
    auto v = f.join(100 + i, "visitor", 0x10000 + static_cast<std::uint64_t>(i));
    REQUIRE(f.room.on_text(*v, text_from(*v, 1)));
    f.lose(*v);
  }
  CHECK(f.room.senders_remembered() == peer::room::max_senders_remembered);
  // The most recent are the ones kept: the last visitor's resend is still dropped.
  auto last = f.join(99, "visitor", 0x10000 + static_cast<std::uint64_t>(visitors - 1));
  CHECK_FALSE(f.room.on_text(*last, text_from(*last, 1)));
  CHECK(host_peer->texts.size() == static_cast<std::size_t>(visitors));
}

TEST_CASE(
    "a peer back on a new link before its old one is noticed dead gets, once the old one hands over, everything in "
    "order",
    "[room][resume]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  f.say({"one", "two"});
  REQUIRE(alice->lines() == lines{"host: one", "host: two"});  // sent, never acknowledged

  // Alice's new link arrives while the room still holds the old one.
  auto alice_again = f.join(3, "alice", 0xa11ce);
  CHECK(alice->abandoned == "replaced by a new connection from the same peer");
  CHECK(f.said().find("alice is back on a new connection: closing its old one") != std::string::npos);
  // Until the old link hands over, what is said for alice waits: sent now it
  // would overtake "one" and "two".
  f.say({"three"});
  REQUIRE(f.room.on_text(*bob, text_from(*bob, 1)));
  CHECK(alice_again->texts.empty());
  CHECK(bob->lines() == lines{"host: one", "host: two", "host: three"});

  // The old link closes and hands back what it never had acknowledged.
  f.room.on_leaving(*alice);
  f.room.on_closed(*alice, true, "replaced", alice->sent);
  CHECK(alice_again->lines() == lines{"host: one", "host: two", "host: three", "bob: line 1"});
  CHECK(f.said().find("alice's old connection") != std::string::npos);
  // From then on, text goes to the new link at once.
  f.say({"four"});
  CHECK(alice_again->lines().back() == "host: four");
  CHECK(f.room.texts_waiting_for_absent() == 0);
}

TEST_CASE("a peer whose lost link was noticed first gets what it missed on its next link, in order", "[room][resume]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  f.say({"one", "two"});
  f.lose(*alice, alice->sent);
  CHECK(f.said().find("alice (" + alice->remote() + ") left: connection lost") != std::string::npos);
  CHECK(f.said().find("2 messages wait for alice to come back") != std::string::npos);
  f.say({"three"});
  REQUIRE(f.room.on_text(*bob, text_from(*bob, 1)));
  CHECK(f.room.texts_waiting_for_absent() == 4);

  auto alice_again = f.join(3, "alice", 0xa11ce);
  CHECK(alice_again->lines() == lines{"host: one", "host: two", "host: three", "bob: line 1"});
  CHECK(f.said().find("sending alice the 4 messages it missed") != std::string::npos);
  CHECK(f.room.texts_waiting_for_absent() == 0);
  // Bob, who never left, got each line once.
  CHECK(bob->lines() == lines{"host: one", "host: two", "host: three"});
}

TEST_CASE("lines typed while nobody is connected go to the first peer to join, and only to it", "[room][backlog]") {
  room_fixture f;
  CHECK(f.room.send_local_text("anyone?") == peer::room::local_text::waiting);
  CHECK(f.room.send_local_text("hello?") == peer::room::local_text::waiting);
  auto first = f.join(1, "alice", 0xa11ce);
  CHECK(first->lines() == lines{"host: anyone?", "host: hello?"});
  auto second = f.join(2, "bob", 0xb0b);
  CHECK(second->texts.empty());
  CHECK(f.room.send_local_text("both of you") == peer::room::local_text::sent);
  CHECK(first->lines().back() == "host: both of you");
  CHECK(second->lines() == lines{"host: both of you"});
}

TEST_CASE("the backlog for nobody is bounded: past it a line is refused, and nothing of it queued", "[room][backlog]") {
  room_fixture f;
  const std::string body(60'000, 'x');
  std::size_t taken = 0;
  // 1 MiB holds 17 such lines; the loop is bounded well above that.
  for (int i = 0; i < 40; ++i) {
    if (f.room.send_local_text(body) == peer::room::local_text::refused) break;
    ++taken;
  }
  CHECK(taken >= 16);
  CHECK(taken <= 18);
  auto alice = f.join(1, "alice", 0xa11ce);
  CHECK(alice->texts.size() == taken);  // every line taken arrives; the refused one never does
  // Once it has gone to the peer, the bound is free again.
  CHECK(f.room.send_local_text(body) == peer::room::local_text::sent);
}

TEST_CASE("a peer away past its bound is forgotten, said so, and then nothing is kept for it", "[room][resume]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  f.lose(*alice);
  const std::string body(60'000, 'y');
  // 20 lines of 60 kB are past the 1 MiB kept for an absent peer.
  for (int i = 0; i < 20; ++i) REQUIRE(f.room.send_local_text(body) == peer::room::local_text::sent);
  CHECK(f.said().find("alice has been away too long: what was said meanwhile is no longer kept for it") !=
        std::string::npos);
  CHECK(f.room.texts_waiting_for_absent() == 0);
  CHECK(bob->texts.size() == 20);
  auto alice_again = f.join(3, "alice", 0xa11ce);
  CHECK(alice_again->texts.empty());
  CHECK(f.said().find("sending alice the") == std::string::npos);
}

TEST_CASE("a resend over a new link is dropped by node id; a peer that said bye starts afresh", "[room][dedup]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  REQUIRE(f.room.on_text(*alice, text_from(*alice, 1)));
  REQUIRE(f.room.on_text(*alice, text_from(*alice, 2)));
  f.lose(*alice);
  // Its ack for 2 was lost with the link: alice resends 2, then says 3.
  auto alice_again = f.join(3, "alice", 0xa11ce);
  CHECK_FALSE(f.room.on_text(*alice_again, text_from(*alice_again, 2)));
  CHECK(f.room.on_text(*alice_again, text_from(*alice_again, 3)));
  CHECK(bob->lines() == lines{"alice: line 1", "alice: line 2", "alice: line 3"});

  // Another node with the same name is another sender.
  auto other_alice = f.join(4, "alice", 0xa11ce + 1);
  CHECK(f.room.on_text(*other_alice, text_from(*other_alice, 1)));

  // A link that ended with bye: that node's next link numbers from 1 again.
  alice_again->in_order = true;
  f.room.on_leaving(*alice_again);
  f.room.on_closed(*alice_again, true, "bye", {});
  auto alice_restarted = f.join(5, "alice", 0xa11ce);
  CHECK(f.room.on_text(*alice_restarted, text_from(*alice_restarted, 1)));
  CHECK(bob->texts.size() == 5);
}

TEST_CASE("a peer beyond the room's size is told the room is full and hears nothing", "[room]") {
  room_fixture f(2);
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  auto carol = f.join(3, "carol", 0xca201);
  CHECK(carol->stopped);
  CHECK(carol->stop_reason == protocol::bye_reason::room_full);
  CHECK(f.said().find("refused carol") != std::string::npos);
  f.say({"only two"});
  CHECK(carol->texts.empty());
  CHECK(alice->texts.size() == 1);
  CHECK(bob->texts.size() == 1);
}

TEST_CASE("a stop meant for later joiners reaches them once they join", "[room]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  f.room.stop_all(protocol::bye_reason::shutting_down, "bye all", true, true);
  CHECK(alice->stopped);
  auto late = f.join(2, "bob", 0xb0b);
  CHECK(late->stopped);
  CHECK(late->stop_reason == protocol::bye_reason::shutting_down);
}

TEST_CASE("the room publishes each text once, a peer's as such and the user's as ours, in the order said", "[room]") {
  room_fixture f;
  auto alice = f.join(1, "alice", 0xa11ce);
  auto bob = f.join(2, "bob", 0xb0b);
  REQUIRE(f.room.on_text(*alice, text_from(*alice, 1)));
  f.say({"hi"});
  CHECK_FALSE(f.room.on_text(*alice, text_from(*alice, 1)));  // a resend: nothing published
  f.lose(*bob);
  CHECK(f.said() == "alice (" + alice->remote() + ") joined\n" + "bob (" + bob->remote() + ") joined\n" +
                        "peer text alice: line 1\n" + "our text host: hi\n" + "bob (" + bob->remote() +
                        ") left: connection lost\n");
}

TEST_CASE("with an order, a line said here reaches the room only as the order returns it, numbered by it",
          "[room][order]") {
  room_fixture f;
  recording_order order;
  f.room.order_by(order, 0x4057);
  auto cluster = f.join(1, "cluster", 0xc1);
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
  room_fixture f;
  recording_order order;
  f.room.order_by(order, 0x4057);
  auto cluster = f.join(1, "cluster", 0xc1);
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
  room_fixture f;
  recording_order order;
  f.room.order_by(order, 0x4057);
  auto cluster = f.join(1, "cluster", 0xc1);
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
  room_fixture f;
  recording_order order;
  f.room.order_by(order, 0x4057);
  auto cluster = f.join(1, "cluster", 0xc1);
  const auto total = peer::room::max_history_texts + 10;
  for (std::uint64_t i = 1; i <= total; ++i) REQUIRE(f.room.ordered(*cluster, {0xa11ce, i, {i, 1, "alice", "l"}}));
  auto newcomer = f.join(2, "dave", 0xda4e);
  f.room.on_position(*newcomer, 0);
  REQUIRE(newcomer->texts.size() == peer::room::history_for_newcomers);
  CHECK(newcomer->texts.front() == total - peer::room::history_for_newcomers + 1);
  CHECK(newcomer->texts.back() == total);
  // One away since line 3 gets all that is kept, and is told the rest is not.
  auto away = f.join(3, "erin", 0xe1);
  f.room.on_position(*away, 3);
  CHECK(away->texts.size() == peer::room::max_history_texts);
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
