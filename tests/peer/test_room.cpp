// The room's rules with fake participants, without sockets or processes.
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>

#include "chatnode/peer/room.hpp"
#include "peer/fake_participant.hpp"

namespace {

using peer_test::fake_participant;
namespace peer = chatnode::peer;
namespace protocol = chatnode::protocol;

/// A room whose console writes to a file nobody reads, and its participants' executor.
struct room_fixture {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out{std::tmpfile(), &std::fclose};
  chatnode::term::console console{out.get(), out.get()};
  chatnode::net::io_context ioc;
  peer::room room{console, "host", nullptr, 16};

  std::shared_ptr<fake_participant> join(int id, const std::string& name, std::uint64_t node_id) {
    auto p = std::make_shared<fake_participant>(ioc.get_executor(), id, name, node_id);
    room.on_joined(p);
    return p;
  }
  /// The link is lost: no bye, nothing it had unacknowledged.
  void lose(fake_participant& p) {
    room.on_leaving(p);
    room.on_closed(p, true, "connection lost", {});
  }
};

protocol::text_message text_from(const fake_participant& p, std::uint64_t seq) {
  return {seq, 1'700'000'000'000'000ull, p.peer_hello().name, "line " + std::to_string(seq)};
}

}  // namespace

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
