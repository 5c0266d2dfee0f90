// A node run with nobody at a terminal: under a service manager, nohup, cron
// or a container without -i, its standard input is /dev/null or closed, and
// the peer it dials may not be up yet.
#include <catch2/catch.hpp>

#include <csignal>

#include "support/chat_lines.hpp"
#include "support/child_process.hpp"
#include "support/raw_client.hpp"

using namespace test_support;
using stream = child_process::stream;

TEST_CASE("a --connect node whose input ends before a line stays for its page", "[process][unattended]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video", "--web", "127.0.0.1:0"});
  bob->close_stdin();
  INFO(bob->transcript(stream::err));
  REQUIRE(bob->wait_for(stream::err, "standard input ended before a line: staying for the web page"));
  require_joined(*alice.process, "bob");
  // Still in the room after its input ended: alice's line reaches it.
  alice.process->write_stdin("still there?\n");
  CHECK(bob->wait_for_line(stream::out, says("alice", "still there?")));
  bob->signal(SIGTERM);
  CHECK(bob->wait_exit() == 0);
}

TEST_CASE("a --connect node whose piped lines end leaves once they are delivered", "[process][unattended]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video", "--web", "127.0.0.1:0"});
  bob->write_stdin("the only line\n");
  bob->close_stdin();
  CHECK(alice.process->wait_for_line(stream::out, says("bob", "the only line")));
  INFO(bob->transcript(stream::err));
  CHECK(bob->wait_exit() == 0);
}

TEST_CASE("a node given --no-stdin reads nothing from standard input, and stays without it", "[process][unattended]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video", "--no-stdin"});
  bob->write_stdin("never to be sent\n");
  bob->close_stdin();
  require_joined(*alice.process, "bob");
  alice.process->write_stdin("are you there?\n");
  REQUIRE(bob->wait_for_line(stream::out, says("alice", "are you there?")));
  // A stop sends whatever was said before bye: had bob read the line, alice
  // would have it before she sees him leave.
  bob->signal(SIGTERM);
  CHECK(bob->wait_exit() == 0);
  INFO(alice.process->transcript(stream::out));
  CHECK(alice.process->wait_for(stream::out, ") left: "));
  CHECK_FALSE(alice.process->wait_for(stream::out, "never to be sent", 0ms));
}

TEST_CASE("a --connect node given --retry dials again until the listener is up", "[process][unattended]") {
  const auto port = unused_port();
  const auto address = "127.0.0.1:" + std::to_string(port);
  auto bob = start_connector(port, "bob", {"--no-video", "--retry"});
  INFO(bob->transcript(stream::err));
  REQUIRE(bob->wait_for(stream::err, "could not connect to " + address));
  REQUIRE(bob->wait_for(stream::err, "trying " + address + " again in "));
  child_process alice({chat_node_binary(), "--listen", address, "--name", "alice", "--no-video"});
  REQUIRE(alice.wait_for(stream::err, "listening on " + address));
  require_joined(alice, "bob");
  require_joined(*bob, "alice");
  bob->write_stdin("made it\n");
  CHECK(alice.wait_for_line(stream::out, says("bob", "made it")));
  bob->write_stdin("/quit\n");
  CHECK(bob->wait_exit() == 0);
}
