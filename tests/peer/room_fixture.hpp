// The room with fake participants (peer/fake_participant.hpp): what it
// published, as one text, and helpers to join, lose and speak.
#pragma once

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

protocol::text_message text_from(const fake_participant& p, std::uint64_t seq) {
  return {seq, 1'700'000'000'000'000ull, p.peer_hello().name, "line " + std::to_string(seq)};
}

}  // namespace room_test
