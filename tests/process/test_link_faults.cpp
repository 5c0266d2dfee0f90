// Faults below TCP, between two network namespaces the test makes itself and
// joins with a link it carries (support/emulated_link): the link taken down for
// ten seconds while both sides type, a slow, lossy link (100 ms each way, 2% of
// packets lost each way) under video and text, and a flood of connections from
// one address. Needs root; without it the cases say so and check nothing.
#include <catch2/catch.hpp>

#include <iostream>
#include <regex>
#include <string>

#include "support/chat_lines.hpp"
#include "support/link_pair.hpp"
#include "support/stats_table.hpp"

using namespace test_support;
using stream = child_process::stream;

namespace {

/// What a node said about its links, for the test's report.
void report(const std::string& who, const child_process& p) {
  for (const auto& l : p.lines(stream::err))
    if (l.find("reconnect") != std::string::npos || l.find("missed") != std::string::npos ||
        l.find("back on a new connection") != std::string::npos || l.find("wait") != std::string::npos)
      std::cout << who << " | " << l << "\n";
  for (const auto& l : p.lines(stream::out))
    if (l.find("] * ") != std::string::npos) std::cout << who << " | " << l << "\n";
}

}  // namespace

TEST_CASE("a link down for ten seconds while both sides type: every line arrives once, in order",
          "[netns][reconnect]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  emulated_link link({});
  auto [alice, bob] = start_pair(link, {"--no-video"});
  type_numbered(*alice, "alice ", 0, 5);
  type_numbered(*bob, "bob ", 0, 5);
  REQUIRE(alice->wait_for_count(stream::out, says("bob", "bob "), 5) == 5);
  REQUIRE(bob->wait_for_count(stream::out, says("alice", "alice "), 5) == 5);

  link.set_up(false);
  type_numbered(*alice, "alice ", 5, 10);
  type_numbered(*bob, "bob ", 5, 10);
  read_both_for(*alice, *bob, 5s);
  type_numbered(*alice, "alice ", 10, 15);
  type_numbered(*bob, "bob ", 10, 15);
  read_both_for(*alice, *bob, 5s);
  link.set_up(true);

  INFO(alice->transcript(stream::err) << bob->transcript(stream::err));
  CHECK(alice->wait_for_count(stream::out, says("bob", "bob "), 15, 60s) == 15);
  CHECK(bob->wait_for_count(stream::out, says("alice", "alice "), 15, 60s) == 15);
  type_numbered(*alice, "alice ", 15, 20);
  type_numbered(*bob, "bob ", 15, 20);
  CHECK(alice->wait_for_count(stream::out, says("bob", "bob "), 20) == 20);
  CHECK(bob->wait_for_count(stream::out, says("alice", "alice "), 20) == 20);

  bob->write_stdin("/quit\n");
  CHECK(bob->wait_exit() == 0);
  CHECK(alice->wait_for(stream::out, ") left: left"));
  CHECK(numbered(*alice, "bob", "bob ") == count_up(0, 20));
  CHECK(numbered(*bob, "alice", "alice ") == count_up(0, 20));
  std::cout << "link down 10 s: alice received " << numbered(*alice, "bob", "bob ").size() << " of 20 lines, bob "
            << numbered(*bob, "alice", "alice ").size() << " of 20\n";
  report("alice", *alice);
  report("bob", *bob);
}

TEST_CASE("over a slow, lossy link video keeps flowing, latest frame first, and text arrives intact",
          "[netns][video]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  emulated_link link({100ms, 0.02});
  auto [alice, bob] = start_pair(link, {"--test-pattern", "--size", "640x480", "--fps", "30"});
  // A line each way every quarter second while both stream.
  for (int i = 0; i < 20; ++i) {
    alice->write_stdin("alice " + std::to_string(i) + " \u00e9t\u00e9 & <b>\n");
    bob->write_stdin("bob " + std::to_string(i) + " \u00e9t\u00e9 & <b>\n");
    read_both_for(*alice, *bob, 250ms);
  }
  INFO(alice->transcript(stream::err) << bob->transcript(stream::err));
  CHECK(alice->wait_for_count(stream::out, says("bob", "bob "), 20, 60s) == 20);
  CHECK(bob->wait_for_count(stream::out, says("alice", "alice "), 20, 60s) == 20);
  CHECK(numbered(*alice, "bob", "bob ") == count_up(0, 20));
  CHECK(numbered(*bob, "alice", "alice ") == count_up(0, 20));
  for (const auto& l : bob->lines(stream::out))
    if (l.find("] alice: alice ") != std::string::npos) CHECK(l.ends_with(" \u00e9t\u00e9 & <b>"));

  // Video arrives, at the rate the link allows: the sender replaces frames the link could not take yet.
  const auto decoded_by_bob = wait_for_stat(*bob, "alice", frames_received_col, [](long v) { return v >= 10; });
  const auto decoded_by_alice = wait_for_stat(*alice, "bob", frames_received_col, [](long v) { return v >= 10; });
  CHECK(decoded_by_bob >= 10);
  CHECK(decoded_by_alice >= 10);
  const auto alice_row = stats_row(*alice, "bob");
  const auto bob_row = stats_row(*bob, "alice");
  // Frames the link could not take yet were replaced by newer ones, or held back for it.
  const auto replaced = std::stol(alice_row[dropped_col]) + std::stol(bob_row[dropped_col]) +
                        std::stol(alice_row[held_col]) + std::stol(bob_row[held_col]);
  CHECK(replaced > 0);
  std::cout << "lossy link (100 ms, 2% each way): packets carried " << link.packets_carried() << ", dropped "
            << link.packets_dropped() << "\n"
            << "alice /stats: " << alice_row[0] << " rtt " << alice_row[2] << " ms, texts " << alice_row[3]
            << ", frames sent " << alice_row[frames_sent_col] << ", decoded " << alice_row[frames_received_col]
            << ", replaced " << alice_row[dropped_col] << ", fps in " << alice_row[7] << "\n"
            << "bob /stats: " << bob_row[0] << " rtt " << bob_row[2] << " ms, texts " << bob_row[3] << ", frames sent "
            << bob_row[frames_sent_col] << ", decoded " << bob_row[frames_received_col] << ", replaced "
            << bob_row[dropped_col] << ", fps in " << bob_row[7] << "\n";
  bob->write_stdin("/quit\n");
  CHECK(bob->wait_exit() == 0);
}

TEST_CASE("a flood of connections from one address is cut to its rate, and the room carries on", "[netns][faults]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  emulated_link link({});
  auto [alice, bob] = start_pair(link, {"--no-video"});
  const auto port = listening_port(*alice);

  // 60 connections from bob's address as fast as they open, each closed at once.
  constexpr int attempts = 60;
  child_process flood(link.in_b({"/usr/bin/python3", "-c",
                                 "import socket, sys\n"
                                 "for i in range(int(sys.argv[2])):\n"
                                 "    socket.create_connection(('" +
                                     std::string(emulated_link::address_a) +
                                     "', int(sys.argv[1])), timeout=5).close()\n"
                                     "print('opened', sys.argv[2])\n",
                                 port, std::to_string(attempts)}));
  INFO(flood.transcript(stream::err));
  REQUIRE(flood.wait_for(stream::out, "opened 60"));
  CHECK(flood.wait_exit() == 0);

  INFO(alice->transcript(stream::err));
  CHECK(alice->wait_for(stream::err, "refused a connection from " + std::string(emulated_link::address_b) +
                                         ": more than 10 new connections a second from one source"));
  alice->write_stdin("alice after the flood\n");
  bob->write_stdin("bob after the flood\n");
  CHECK(bob->wait_for(stream::out, "] alice: alice after the flood"));
  CHECK(alice->wait_for(stream::out, "] bob: bob after the flood"));
  // The admitted ones end as connections that closed before a handshake; the others never became one.
  // A burst of 20, one of which bob's own connection took.
  const auto admitted = alice->wait_for_count(
      stream::err,
      [](const std::string& l) { return l.find("closed before the handshake completed") != std::string::npos; }, 19);
  CHECK(admitted >= 19);
  CHECK(admitted < static_cast<std::size_t>(attempts));
  std::cout << "connection flood: " << attempts << " connections from one address, " << admitted
            << " admitted, the rest refused at accept\n";
}
