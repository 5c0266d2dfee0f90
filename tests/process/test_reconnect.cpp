// Links that drop while both sides keep typing: a --connect node reconnects by
// itself, what was not acknowledged is resent on the new link, and the receiver
// drops what it already had, so every line arrives once and in order.
#include <catch2/catch.hpp>

#include <signal.h>

#include <string>

#include "support/chat_lines.hpp"
#include "support/child_process.hpp"

using namespace test_support;
using stream = child_process::stream;

namespace {

std::size_t wait_for_lines(child_process& p, const std::string& name, const std::string& prefix, std::size_t n) {
  return p.wait_for_count(stream::out, says(name, prefix), n);
}

}  // namespace

TEST_CASE("a listener killed and restarted on its port gets the lines typed meanwhile, once and in order",
          "[process][reconnect]") {
  auto alice = start_listener("alice", {"--no-video"});
  const auto port = std::to_string(alice.port);
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  require_joined(*alice.process, "bob");
  require_joined(*bob, "alice");

  // Alice answers after she has all of bob's lines, so her acknowledgement of
  // them is on the wire before her first line: nothing of bob's is in doubt.
  type_numbered(*bob, "bob ", 0, 10);
  REQUIRE(wait_for_lines(*alice.process, "bob", "bob ", 10) == 10);
  type_numbered(*alice.process, "alice ", 0, 10);
  REQUIRE(wait_for_lines(*bob, "alice", "alice ", 10) == 10);

  alice.process->signal(SIGKILL);
  REQUIRE(alice.process->wait_exit() == 128 + SIGKILL);
  INFO(bob->transcript(stream::err));
  REQUIRE(bob->wait_for(stream::err, "reconnecting to 127.0.0.1:" + port + " in "));
  type_numbered(*bob, "bob ", 10, 20);
  CHECK(bob->wait_for(stream::err, "nobody is connected: messages wait and are sent when the link is back"));
  // An attempt finds nobody there: the port really was closed.
  CHECK(bob->wait_for(stream::err, "failed: cannot connect to 127.0.0.1:" + port + ": Connection refused"));

  child_process alice2({chat_node_binary(), "--listen", "127.0.0.1:" + port, "--name", "alice", "--no-video"});
  REQUIRE(alice2.wait_for(stream::err, "listening on 127.0.0.1:" + port));
  require_joined(alice2, "bob");
  CHECK(bob->wait_for(stream::err, "sending alice the 10 messages it missed"));
  type_numbered(*bob, "bob ", 20, 25);
  type_numbered(alice2, "alice ", 10, 15);
  CHECK(wait_for_lines(alice2, "bob", "bob ", 15) == 15);
  CHECK(wait_for_lines(*bob, "alice", "alice ", 15) == 15);

  // bob leaves in order: his last lines are acknowledged before his bye, so
  // any duplicate would have been printed by the time alice sees him go.
  bob->write_stdin("/quit\n");
  CHECK(bob->wait_exit() == 0);
  CHECK(alice2.wait_for(stream::out, "* bob (127.0.0.1:"));
  CHECK(alice2.wait_for(stream::out, ") left: left"));
  CHECK(numbered(*alice.process, "bob", "bob ") == count_up(0, 10));
  CHECK(numbered(alice2, "bob", "bob ") == count_up(10, 25));
  CHECK(numbered(*bob, "alice", "alice ") == count_up(0, 15));
  alice2.write_stdin("/quit\n");
  CHECK(alice2.wait_exit() == 0);
}

TEST_CASE("a frozen listener's link is replaced, and what both sides typed meanwhile arrives once, in order",
          "[process][reconnect]") {
  // SIGSTOP makes the link half-open without a word: bob's heartbeat finds it
  // silent and reconnects; his lines sent into the frozen connection reach
  // alice's old socket too, and are dropped when resent on the new one.
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  require_joined(*alice.process, "bob");
  require_joined(*bob, "alice");
  type_numbered(*bob, "bob ", 0, 5);
  type_numbered(*alice.process, "alice ", 0, 5);
  REQUIRE(wait_for_lines(*alice.process, "bob", "bob ", 5) == 5);
  REQUIRE(wait_for_lines(*bob, "alice", "alice ", 5) == 5);

  alice.process->signal(SIGSTOP);
  type_numbered(*bob, "bob ", 5, 10);              // into the link that is about to be declared dead
  type_numbered(*alice.process, "alice ", 5, 10);  // read when she thaws
  INFO(bob->transcript(stream::err));
  REQUIRE(bob->wait_for(stream::out, "* alice (127.0.0.1:"));
  REQUIRE(bob->wait_for(stream::out, "left: peer silent for 10000 ms"));
  REQUIRE(bob->wait_for(stream::err, "reconnecting to 127.0.0.1:"));
  type_numbered(*bob, "bob ", 10, 15);  // while the link is down
  alice.process->signal(SIGCONT);

  CHECK(wait_for_lines(*alice.process, "bob", "bob ", 15) == 15);
  CHECK(wait_for_lines(*bob, "alice", "alice ", 10) == 10);
  type_numbered(*bob, "bob ", 15, 20);
  type_numbered(*alice.process, "alice ", 10, 15);
  CHECK(wait_for_lines(*alice.process, "bob", "bob ", 20) == 20);
  CHECK(wait_for_lines(*bob, "alice", "alice ", 15) == 15);

  bob->write_stdin("/quit\n");
  CHECK(bob->wait_exit() == 0);
  CHECK(alice.process->wait_for(stream::out, ") left: left"));
  CHECK(numbered(*alice.process, "bob", "bob ") == count_up(0, 20));
  CHECK(numbered(*bob, "alice", "alice ") == count_up(0, 15));
  alice.process->write_stdin("/quit\n");
  CHECK(alice.process->wait_exit() == 0);
}

TEST_CASE("a --connect node given --no-reconnect ends when its link is lost", "[process][reconnect]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video", "--no-reconnect"});
  require_joined(*bob, "alice");
  alice.process->signal(SIGKILL);
  INFO(bob->transcript(stream::out));
  CHECK(bob->wait_for(stream::out, ") left: "));
  CHECK(bob->wait_exit() == 1);
  for (const auto& l : bob->lines(stream::err)) CHECK(l.find("reconnecting") == std::string::npos);
}

TEST_CASE("a node waiting to reconnect stops on SIGTERM and says what was never delivered", "[process][reconnect]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  require_joined(*bob, "alice");
  alice.process->signal(SIGKILL);
  REQUIRE(bob->wait_for(stream::err, "reconnecting to 127.0.0.1:"));
  type_numbered(*bob, "unsent ", 0, 3);
  REQUIRE(bob->wait_for(stream::err, "messages wait and are sent when the link is back"));
  bob->signal(SIGTERM);
  CHECK(bob->wait_exit() == 0);
  CHECK(bob->wait_for(stream::err, "3 messages were never delivered"));
}
