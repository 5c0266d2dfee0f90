// Peers that come and go: killed in the middle of a frame, or a thousand of
// them in a row. The listener notices each, keeps serving the rest, and holds
// on to nothing of those that left.
#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>

#include "chatnode/protocol/messages.hpp"
#include "support/child_process.hpp"
#include "support/raw_client.hpp"

using namespace test_support;
using stream = child_process::stream;
namespace protocol = chatnode::protocol;

namespace {

/// Open file descriptors of a process.
std::size_t open_descriptors(pid_t pid) {
  const auto dir = std::filesystem::path("/proc") / std::to_string(pid) / "fd";
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

}  // namespace

TEST_CASE("a peer killed in the middle of a frame is noticed, and the others carry on", "[process][churn]") {
  auto alice = start_listener("alice", {"--test-pattern", "--size", "160x120"});
  // bob streams large frames as fast as he can, so the kill lands inside one.
  auto bob =
      start_connector(alice.port, "bob", {"--test-pattern", "--size", "1280x720", "--fps", "0", "--quality", "100"});
  auto carol = start_connector(alice.port, "carol", {"--receive-only"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  REQUIRE(alice.process->wait_for(stream::out, "* carol ("));

  bob->signal(SIGKILL);
  CHECK(bob->wait_exit() == 128 + SIGKILL);
  INFO(alice.process->transcript(stream::out));
  CHECK(alice.process->wait_for(stream::out, "* bob (127.0.0.1:"));
  CHECK(alice.process->wait_for_line(stream::out, [](const std::string& l) {
    return l.find("* bob (") != std::string::npos && l.find(") left: ") != std::string::npos;
  }));

  carol->write_stdin("carol after the kill\n");
  alice.process->write_stdin("alice after the kill\n");
  CHECK(alice.process->wait_for(stream::out, "] carol: carol after the kill"));
  CHECK(carol->wait_for(stream::out, "] alice: alice after the kill"));
}

TEST_CASE("a thousand connections that join and leave leave no descriptor behind", "[process][churn]") {
  auto alice = start_listener("alice", {"--no-video"});
  protocol::hello h;
  h.name = "visitor";
  h.capabilities = protocol::cap_text;
  const auto hello_then_bye = as_string(protocol::encode_greeting(h)) +
                              as_string(protocol::encode(protocol::bye{protocol::bye_reason::normal, "just visiting"}));

  const auto left = [](const std::string& l) { return l.find(") left: ") != std::string::npos; };
  int visits_seen = 0;
  // One visit: hello, bye and our end of the stream (as the protocol has a
  // leaving side do); the node closes its side and reports the visitor gone.
  // (Waiting for that line also reads the node's output, which would
  // otherwise fill its pipe and stall it.)
  const auto visit = [&] {
    raw_client c(alice.port);
    c.send(hello_then_bye);
    c.shutdown_send();
    const bool closed = c.read_until_closed(default_wait).closed;
    ++visits_seen;
    return closed && alice.process->wait_for_count(stream::out, left, static_cast<std::size_t>(visits_seen)) ==
                         static_cast<std::size_t>(visits_seen);
  };
  // Warm-up: whatever the node allocates once (thread pools, buffers) is allocated now.
  for (int i = 0; i < 20; ++i) REQUIRE(visit());
  const auto before = open_descriptors(alice.process->pid());

  constexpr int visits = 1000;
  int completed = 0;
  for (int i = 0; i < visits; ++i) completed += visit() ? 1 : 0;
  CHECK(completed == visits);
  CHECK(open_descriptors(alice.process->pid()) <= before);

  // And the node still chats; its memory is checked for leaks at exit under ASan.
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  bob->write_stdin("after a thousand visitors\n");
  CHECK(alice.process->wait_for(stream::out, "] bob: after a thousand visitors"));
}

TEST_CASE("a peer beyond --max-peers is told the room is full, and the room carries on", "[process][churn]") {
  auto alice = start_listener("alice", {"--no-video", "--max-peers", "2"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  auto carol = start_connector(alice.port, "carol", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* carol ("));

  auto dave = start_connector(alice.port, "dave", {"--no-video"});
  CHECK(dave->wait_for(stream::out, "left: room full: the room is full"));
  CHECK(dave->wait_exit());
  CHECK(alice.process->wait_for(stream::err, "refused dave (127.0.0.1:"));
  CHECK(alice.process->wait_for(stream::err, "the room is full (2 peers)"));

  bob->write_stdin("bob after the refusal\n");
  CHECK(carol->wait_for(stream::out, "] bob: bob after the refusal"));
  CHECK(alice.process->wait_for(stream::out, "] bob: bob after the refusal"));
  for (const auto& l : alice.process->lines(stream::out)) {
    INFO(l);
    CHECK(l.find("dave") == std::string::npos);
  }
}

TEST_CASE("a peer that goes silent without closing is declared gone at the heartbeat timeout", "[process][churn]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  // A half-open link: the handshake, then silence, the socket left open (as
  // when a laptop's Wi-Fi drops); alice's pings go unanswered.
  protocol::hello h;
  h.name = "ghost";
  h.capabilities = protocol::cap_text;
  raw_client ghost(alice.port);
  ghost.send(as_string(protocol::encode_greeting(h)));
  REQUIRE(alice.process->wait_for(stream::out, "* ghost ("));
  CHECK(alice.process->wait_for_line(stream::out, [](const std::string& l) {
    return l.find("* ghost (") != std::string::npos && l.find("left: peer silent for 10000 ms") != std::string::npos;
  }));
  bob->write_stdin("bob outlived the ghost\n");
  CHECK(alice.process->wait_for(stream::out, "] bob: bob outlived the ghost"));
}
