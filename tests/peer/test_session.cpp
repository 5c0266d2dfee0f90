// One chat_node session on a real loopback connection, the other end played by
// a raw client, so that what the session hands back when its link ends is seen.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "chatnode/peer/session.hpp"
#include "peer/on_loopback.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = chatnode::net;
namespace peer = chatnode::peer;
namespace protocol = chatnode::protocol;
using chatnode::tcp;
using test_support::as_string;

/// What the session under test announces.
peer::session_config host_config() {
  peer::session_config cfg;
  cfg.greeting.node_id = 0x4057;
  cfg.greeting.name = "host";
  cfg.greeting.capabilities = protocol::cap_text;
  return cfg;
}

/// The raw client's greeting, as a chat_node peer named "remote" sends it.
std::string remote_greeting() {
  protocol::hello h;
  h.node_id = 0x8e;
  h.name = "remote";
  h.capabilities = protocol::cap_text;
  return as_string(protocol::encode_greeting(h));
}

peer::outgoing_text text(std::uint64_t seq, std::string body) {
  const protocol::text_message m{seq, 1'700'000'000'000'000ull, "host", std::move(body)};
  return {seq, std::make_shared<const protocol::bytes>(protocol::encode(m)), nullptr};
}

}  // namespace

TEST_CASE("text posted to a session while it stops is sent or handed back, never dropped", "[session]") {
  auto cfg = host_config();
  // The stop waits for acknowledgements longer than this test can take, so the
  // link is what ends it: closed by the peer, without a bye.
  cfg.flush_timeout = 60s;
  peer_test::on_loopback<peer::session> f([&](tcp::socket socket, peer::session_events& events) {
    return std::make_shared<peer::session>(peer::link(std::move(socket)), 1, std::move(cfg), events);
  });

  f.remote.send(remote_greeting());
  REQUIRE(f.events.wait_joined());

  // All three run on the session's strand in this order: the second text
  // arrives while the session is stopping, waiting for the first one's ack.
  f.participant->send_text(text(1, "before the stop"));
  f.participant->stop(protocol::bye_reason::shutting_down, "", true);
  f.participant->send_text(text(2, "during the stop"));
  const auto seen = f.remote.read_until("during the stop", 30s);
  CHECK(seen.bytes.find("before the stop") != std::string::npos);
  CHECK(seen.bytes.find("during the stop") != std::string::npos);

  // The peer never acknowledges and its link is cut: both texts come back, to
  // be resent when it returns.
  f.remote.shutdown_send();
  const auto undelivered = f.events.wait_closed();
  REQUIRE(undelivered);
  CHECK(*undelivered == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("a session says first how far it has a peer met before, and hears once how far the peer has ours",
          "[session][resume]") {
  const auto cfg = host_config();
  peer_test::on_loopback<peer::session> f([&](tcp::socket socket, peer::session_events& events) {
    // The room had the peer's texts up to 41 over an earlier link.
    dynamic_cast<peer_test::recorded_events&>(events).known = 41;
    return std::make_shared<peer::session>(peer::link(std::move(socket)), 1, cfg, events);
  });
  f.remote.send(remote_greeting());
  REQUIRE(f.events.wait_joined());

  // Right after its greeting, before its ping: ack 41.
  const auto greeting = as_string(protocol::encode_greeting(cfg.greeting));
  const auto ack = as_string(protocol::encode(protocol::ack{41}));
  const auto seen = f.remote.read_at_least(greeting.size() + ack.size(), 30s);
  REQUIRE(seen.bytes.size() >= greeting.size() + ack.size());
  CHECK(seen.bytes.substr(greeting.size(), ack.size()) == ack);

  // The peer's first frame after its hello says where it is in ours; a later ack is only an ack.
  f.remote.send(as_string(protocol::encode(protocol::ack{7})));
  f.remote.send(as_string(protocol::encode(protocol::ack{9})));
  CHECK(f.events.wait_position() == std::vector<std::uint64_t>{7});
  // A resend of what the session said it had is not delivered again: the peer's next new text is.
  f.remote.send(as_string(protocol::encode(protocol::text_message{41, 1, "remote", "old"})));
  f.remote.send(as_string(protocol::encode(protocol::text_message{42, 1, "remote", "new"})));
  const auto acked = f.remote.read_until(as_string(protocol::encode(protocol::ack{42})), 30s);
  CHECK(acked.bytes.find(as_string(protocol::encode(protocol::ack{42}))) != std::string::npos);
  CHECK(f.events.wait_position().size() == 1);
  CHECK(f.events.texts() == std::vector<std::string>{"new"});
}
