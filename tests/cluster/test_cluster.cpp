// Nodes bridged by a real nats-server (JetStream on), each a real process:
// text crosses once, a node that joins late gets the room's history, text
// said while the server is down is stored when it is back, and video crosses.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/jpeg_files.hpp"
#include "support/nats_server.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

namespace cluster_test {

using namespace test_support;
using stream = child_process::stream;

/// A node of `room` on `server`, text only unless `extra` says otherwise.
listening_node cluster_node(const std::string& name, const nats_server& server, const std::string& room,
                            std::vector<std::string> extra = {"--no-video"}) {
  extra.insert(extra.end(), {"--cluster", server.url(), "--room", room});
  auto n = start_listener(name, extra);
  // In the room once the stream is ready: what it says after is stored, and the room's lines reach it.
  const bool in_room = n.process->wait_for(stream::out, "* cluster room " + room) &&
                       n.process->wait_for(stream::err, "cluster: the room's stream CHAT_" + room + " is ready");
  if (!in_room) {
    n.process->read_output_for(std::chrono::milliseconds(100));
    FAIL(name + " is not in the room; its stderr:\n" + n.process->transcript(stream::err) + "\nthe server's log:\n" +
         server.log());
  }
  return n;
}

/// A text-only chat_node connected to `nodes` ("host:port,..."), tried in turn.
std::unique_ptr<child_process> start_peer(const std::string& name, const std::string& nodes) {
  return std::make_unique<child_process>(
      std::vector<std::string>{chat_node_binary(), "--connect", nodes, "--name", name, "--no-video"});
}

std::size_t count_lines(const child_process& p, const std::string& needle) {
  const auto& lines = p.lines(stream::out);
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
}

}  // namespace cluster_test

using namespace cluster_test;

TEST_CASE("a line said on one node reaches every other node of its room once, and no other room", "[cluster]") {
  temp_dir dir;
  nats_server server(dir.path / "js");
  auto alice = cluster_node("alice", server, "lobby");
  auto bob = cluster_node("bob", server, "lobby");
  auto carol = cluster_node("carol", server, "lobby");
  auto dave = cluster_node("dave", server, "elsewhere");

  alice.process->write_stdin("hello from alice\n");
  bob.process->write_stdin("hello from bob\n");
  for (auto* p : {bob.process.get(), carol.process.get()})
    REQUIRE(p->wait_for(stream::out, "] alice: hello from alice"));
  for (auto* p : {alice.process.get(), carol.process.get()}) REQUIRE(p->wait_for(stream::out, "] bob: hello from bob"));
  // dave's room has its own line; once he has it, anything of the lobby's would have come before it.
  dave.process->write_stdin("dave alone\n");
  REQUIRE(dave.process->wait_for(stream::err, "cluster (text): connected"));
  alice.process->write_stdin("the last line\n");
  REQUIRE(carol.process->wait_for(stream::out, "] alice: the last line"));
  REQUIRE(bob.process->wait_for(stream::out, "] alice: the last line"));
  dave.process->read_output_for(std::chrono::milliseconds(500));

  CHECK(count_lines(*bob.process, "] alice: hello from alice") == 1);
  CHECK(count_lines(*carol.process, "] alice: hello from alice") == 1);
  CHECK(count_lines(*carol.process, "] bob: hello from bob") == 1);
  CHECK(count_lines(*alice.process, "] bob: hello from bob") == 1);
  // Nobody is shown their own line back.
  CHECK(count_lines(*alice.process, "] alice: hello from alice") == 0);
  CHECK(count_lines(*dave.process, "hello from") == 0);
}

TEST_CASE("a node that joins late is given the room's last lines, in order", "[cluster]") {
  temp_dir dir;
  nats_server server(dir.path / "js");
  auto alice = cluster_node("alice", server, "lobby");
  auto bob = cluster_node("bob", server, "lobby");
  for (int i = 1; i <= 3; ++i) alice.process->write_stdin("line " + std::to_string(i) + "\n");
  // Stored: bob has them from the stream.
  REQUIRE(bob.process->wait_for(stream::out, "] alice: line 3"));

  auto carol = cluster_node("carol", server, "lobby");
  if (!carol.process->wait_for(stream::out, "] alice: line 3")) {
    carol.process->read_output_for(std::chrono::milliseconds(100));
    FAIL("no history; carol's stderr:\n" + carol.process->transcript(stream::err));
  }
  std::vector<std::string> got;
  for (const auto& l : carol.process->lines(stream::out))
    if (l.find("] alice: line ") != std::string::npos) got.push_back(l.substr(l.find("line ")));
  CHECK(got == std::vector<std::string>{"line 1", "line 2", "line 3"});
}

TEST_CASE("a line said while the server is down waits, and is stored once when it is back", "[cluster]") {
  temp_dir dir;
  nats_server server(dir.path / "js");
  auto alice = cluster_node("alice", server, "lobby");
  auto bob = cluster_node("bob", server, "lobby");
  alice.process->write_stdin("before\n");
  REQUIRE(bob.process->wait_for(stream::out, "] alice: before"));

  server.stop();
  REQUIRE(alice.process->wait_for(stream::err, "cluster (text): disconnected"));
  alice.process->write_stdin("while the server was down\n");
  server.start();
  REQUIRE(bob.process->wait_for(stream::out, "] alice: while the server was down"));
  alice.process->write_stdin("after\n");
  REQUIRE(bob.process->wait_for(stream::out, "] alice: after"));
  CHECK(count_lines(*bob.process, "] alice: while the server was down") == 1);
  CHECK(count_lines(*bob.process, "] alice: before") == 1);
}

TEST_CASE("each node's video reaches the others of the room through the cluster, and decodes", "[cluster]") {
  temp_dir dir;
  nats_server server(dir.path / "js");
  const auto saved = dir.path / "frames";
  auto alice = cluster_node("alice", server, "lobby", {"--test-pattern", "--size", "160x120", "--fps", "15"});
  auto bob = cluster_node("bob", server, "lobby", {"--receive-only", "--save-frames", saved.string()});
  // Bounded: 30 s at most, 100 ms of output read at a time.
  std::size_t decoded = 0;
  const auto deadline = std::chrono::steady_clock::now() + default_wait;
  while (decoded < 5 && std::chrono::steady_clock::now() < deadline) {
    decoded = 0;
    if (std::filesystem::exists(saved))
      for (const auto& e : std::filesystem::directory_iterator(saved)) {
        const auto img = test_support::read_jpeg(e.path());
        if (!img.empty() && img.cols == 160 && img.rows == 120) ++decoded;
      }
    bob.process->read_output_for(std::chrono::milliseconds(100));
    alice.process->read_output_for(std::chrono::milliseconds(1));
  }
  INFO("bob's stderr:\n" + bob.process->transcript(stream::err));
  CHECK(decoded >= 5);
}

TEST_CASE("a peer whose node dies goes on with another node of the room, and its lines arrive once", "[cluster]") {
  temp_dir dir;
  nats_server server(dir.path / "js");
  auto alice = cluster_node("alice", server, "lobby");
  auto bob = cluster_node("bob", server, "lobby");
  const auto a = "127.0.0.1:" + std::to_string(alice.port), b = "127.0.0.1:" + std::to_string(bob.port);
  auto peggy = start_peer("peggy", a + "," + b);
  REQUIRE(alice.process->wait_for(stream::out, "* peggy ("));
  peggy->write_stdin("said to alice's node\n");
  REQUIRE(bob.process->wait_for(stream::out, "] peggy: said to alice's node"));

  alice.process->signal(SIGKILL);
  REQUIRE(alice.process->wait_exit() == 128 + SIGKILL);
  // peggy dials the next node of her list, and is in the room again there.
  REQUIRE(bob.process->wait_for(stream::out, "* peggy ("));
  peggy->write_stdin("said to bob's node\n");
  REQUIRE(bob.process->wait_for(stream::out, "] peggy: said to bob's node"));
  bob.process->write_stdin("bob answers\n");
  REQUIRE(peggy->wait_for(stream::out, "] bob: bob answers"));
  CHECK(count_lines(*bob.process, "] peggy: said to alice's node") == 1);
  CHECK(count_lines(*bob.process, "] peggy: said to bob's node") == 1);
}

TEST_CASE("a peer's line is acknowledged only once the cluster stored it: its node's death loses nothing",
          "[cluster]") {
  temp_dir dir;
  nats_server server(dir.path / "js");
  auto alice = cluster_node("alice", server, "lobby");
  auto bob = cluster_node("bob", server, "lobby");
  auto carol = cluster_node("carol", server, "lobby");
  const auto a = "127.0.0.1:" + std::to_string(alice.port), b = "127.0.0.1:" + std::to_string(bob.port);
  auto peggy = start_peer("peggy", a + "," + b);
  REQUIRE(alice.process->wait_for(stream::out, "* peggy ("));

  // With the server down alice has peggy's line but cannot store it, so she
  // neither shows nor acknowledges it: the stream decides where it goes.
  server.stop();
  REQUIRE(alice.process->wait_for(stream::err, "cluster (text): disconnected"));
  peggy->write_stdin("said while nothing could store it\n");
  REQUIRE(alice.process->wait_for(stream::err, "did not store a text; it waits"));
  alice.process->signal(SIGKILL);
  REQUIRE(alice.process->wait_exit() == 128 + SIGKILL);

  // peggy still has it, and gives it to bob, the next node of her list; once
  // the server is back bob stores it, and bob and carol have it from the stream.
  REQUIRE(bob.process->wait_for(stream::out, "* peggy ("));
  server.start();
  REQUIRE(carol.process->wait_for(stream::out, "] peggy: said while nothing could store it"));
  REQUIRE(bob.process->wait_for(stream::out, "] peggy: said while nothing could store it"));
  peggy->write_stdin("the last line\n");
  REQUIRE(carol.process->wait_for(stream::out, "] peggy: the last line"));
  CHECK(count_lines(*carol.process, "] peggy: said while nothing could store it") == 1);
  CHECK(count_lines(*bob.process, "] peggy: said while nothing could store it") == 1);
}

TEST_CASE("in a cluster of three servers, one dying loses no line and duplicates none", "[cluster]") {
  temp_dir dir;
  auto servers = start_cluster(dir.path, 3);
  const auto all = cluster_urls(servers);
  // Three copies of the room's text, one on each server.
  const std::vector<std::string> text_only{"--no-video", "--cluster", all, "--cluster-replicas", "3"};
  auto alice = start_listener("alice", text_only);
  auto bob = start_listener("bob", text_only);
  // The stream is made once the cluster has chosen its leaders.
  for (auto* n : {&alice, &bob})
    REQUIRE(n->process->wait_for(stream::err, "the room's stream CHAT_lobby is ready", 60s));
  alice.process->write_stdin("line 1\n");
  if (!bob.process->wait_for(stream::out, "] alice: line 1")) {
    alice.process->read_output_for(std::chrono::milliseconds(100));
    FAIL("alice's stderr:\n" + alice.process->transcript(stream::err) + "\nbob's:\n" +
         bob.process->transcript(stream::err));
  }

  // Whichever server dies, its clients move to another, and the stream (three
  // copies) chooses a new leader if it was the one; meanwhile lines wait.
  servers[0]->stop();
  for (int i = 2; i <= 6; ++i) alice.process->write_stdin("line " + std::to_string(i) + "\n");
  bob.process->write_stdin("bob after\n");
  // A leader election takes seconds, more on a loaded machine.
  const bool bob_has_all = bob.process->wait_for(stream::out, "] alice: line 6", 60s).has_value();
  const bool alice_has_bobs = bob_has_all && alice.process->wait_for(stream::out, "] bob: bob after").has_value();
  if (!alice_has_bobs) {
    alice.process->read_output_for(std::chrono::milliseconds(100));
    FAIL("alice's stderr:\n" + alice.process->transcript(stream::err) + "\nbob's:\n" +
         bob.process->transcript(stream::err) + "\nbob's stdout:\n" + bob.process->transcript(stream::out));
  }
  std::vector<std::string> got;
  for (const auto& l : bob.process->lines(stream::out))
    if (l.find("] alice: line ") != std::string::npos) got.push_back(l.substr(l.find("line ")));
  CHECK(got == std::vector<std::string>{"line 1", "line 2", "line 3", "line 4", "line 5", "line 6"});
}

TEST_CASE("every node says who is on the others: joins, leaves, and a silent node's peers away, then gone",
          "[cluster]") {
  temp_dir dir;
  nats_server server(dir.path / "js");
  auto alice = cluster_node("alice", server, "lobby");
  auto bob = cluster_node("bob", server, "lobby");
  REQUIRE(bob.process->wait_for(stream::err, "cluster: alice is in the room, at alice's node"));
  auto peggy = start_connector(alice.port, "peggy", {"--no-video"});
  REQUIRE(bob.process->wait_for(stream::err, "cluster: peggy is in the room, at alice's node"));
  peggy->close_stdin();  // she leaves
  REQUIRE(peggy->wait_exit() == 0);
  REQUIRE(bob.process->wait_for(stream::err, "cluster: peggy left (alice's node)"));

  alice.process->signal(SIGKILL);
  REQUIRE(alice.process->wait_exit() == 128 + SIGKILL);
  REQUIRE(bob.process->wait_for(stream::err, "cluster: alice is away (alice's node is silent)"));
  REQUIRE(bob.process->wait_for(stream::err, "cluster: alice is gone (alice's node did not come back)"));
}
