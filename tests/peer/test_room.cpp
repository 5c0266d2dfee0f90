// The room's rules with fake participants, without sockets or processes: what
// each peer is sent, and what the room publishes (peer/room_events.hpp).
#include <catch2/catch.hpp>

#include "peer/room_fixture.hpp"

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
