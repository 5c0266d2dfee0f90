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

peer::outgoing_text text(std::uint64_t seq, std::string body) {
  const protocol::text_message m{seq, 1'700'000'000'000'000ull, "host", std::move(body)};
  return {seq, std::make_shared<const protocol::bytes>(protocol::encode(m)), nullptr};
}

}  // namespace

TEST_CASE("text posted to a session while it stops is sent or handed back, never dropped", "[session]") {
  peer::session_config cfg;
  cfg.greeting.node_id = 0x4057;
  cfg.greeting.name = "host";
  cfg.greeting.capabilities = protocol::cap_text;
  // The stop waits for acknowledgements longer than this test can take, so the
  // link is what ends it: closed by the peer, without a bye.
  cfg.flush_timeout = 60s;
  peer_test::on_loopback<peer::session> f([&](tcp::socket socket, peer::session_events& events) {
    return std::make_shared<peer::session>(peer::link(std::move(socket)), 1, std::move(cfg), events);
  });

  protocol::hello remote_hello;
  remote_hello.node_id = 0x8e;
  remote_hello.name = "remote";
  remote_hello.capabilities = protocol::cap_text;
  f.remote.send(as_string(protocol::encode_greeting(remote_hello)));
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
