// Real chat_node processes on 127.0.0.1 with ephemeral ports: text both ways,
// piped input, a listener that keeps serving, exit codes.
#include <catch2/catch.hpp>

#include <signal.h>

#include <regex>
#include <string>

#include "support/chat_lines.hpp"
#include "support/child_process.hpp"

using namespace test_support;
using stream = child_process::stream;

TEST_CASE("two nodes exchange hundreds of lines in both directions at once, all in order", "[process][chat]") {
  auto alice = start_listener("alice");
  auto bob = start_connector(alice.port, "bob");
  require_joined(*alice.process, "bob");
  require_joined(*bob, "alice");

  constexpr int lines_each = 400;
  constexpr int batch = 50;
  for (int i = 0; i < lines_each; i += batch) {
    std::string a, b;
    for (int k = i; k < i + batch; ++k) {
      a += "from alice " + std::to_string(k) + " ünïcødé\n";
      b += "from bob " + std::to_string(k) + " 🎉\n";
    }
    alice.process->write_stdin(a);
    bob->write_stdin(b);
  }

  CHECK(bob->wait_for_count(stream::out, says("alice", "from alice "), lines_each) == lines_each);
  CHECK(alice.process->wait_for_count(stream::out, says("bob", "from bob "), lines_each) == lines_each);

  std::vector<int> expected(lines_each);
  for (int i = 0; i < lines_each; ++i) expected[i] = i;
  CHECK(numbered(*bob, "alice", "from alice ") == expected);
  CHECK(numbered(*alice.process, "bob", "from bob ") == expected);
  // Every line arrived whole: nothing mixed into another.
  for (const auto& l : bob->lines(stream::out))
    if (l.find("from alice") != std::string::npos)
      CHECK(std::regex_search(l, std::regex("from alice [0-9]+ ünïcødé$")));

  bob->write_stdin("/quit\n");
  CHECK(bob->wait_exit() == 0);
  CHECK(alice.process->wait_for(stream::out, "* bob (127.0.0.1:"));
  CHECK(alice.process->wait_for(stream::out, ") left: left"));
}

TEST_CASE("piped input is delivered in full, then the connecting node exits 0", "[process][chat]") {
  auto alice = start_listener("alice");
  auto bob = start_connector(alice.port, "bob");
  bob->write_stdin("hi\nsecond line\nlast line without newline");
  bob->close_stdin();
  const auto code = bob->wait_exit();
  INFO(bob->transcript(stream::err));
  REQUIRE(code == 0);

  REQUIRE(alice.process->wait_for_line(stream::out, says("bob", "last line without newline")));
  const auto& lines = alice.process->lines(stream::out);
  std::vector<std::string> said;
  for (const auto& l : lines)
    if (l.find("] bob: ") != std::string::npos) said.push_back(l.substr(l.find("] bob: ") + 7));
  CHECK(said == std::vector<std::string>{"hi", "second line", "last line without newline"});
}

TEST_CASE("UTF-8 passes through unchanged and control characters are shown, not obeyed", "[process][chat]") {
  auto alice = start_listener("alice");
  auto bob = start_connector(alice.port, "bob");
  require_joined(*alice.process, "bob");
  const std::string text = "héllo wörld 你好 🎉 \xce\xa9";
  bob->write_stdin(text + "\n" + "\x1b[31mred\x07\n");
  CHECK(alice.process->wait_for_line(stream::out, [&](const std::string& l) { return l.ends_with("] bob: " + text); }));
  CHECK(alice.process->wait_for_line(stream::out, says("bob", "^[[31mred^G")));
}

TEST_CASE("a message over the text limit is refused locally and nothing is truncated", "[process][chat]") {
  auto alice = start_listener("alice");
  auto bob = start_connector(alice.port, "bob");
  require_joined(*alice.process, "bob");
  bob->write_stdin(std::string(70000, 'x') + "\nafter the long one\n");
  CHECK(bob->wait_for(stream::err, "not sent: the message has 70000 bytes, the limit is 65536"));
  REQUIRE(alice.process->wait_for_line(stream::out, says("bob", "after the long one")));
  for (const auto& l : alice.process->lines(stream::out)) CHECK(l.find("xxxx") == std::string::npos);
}

TEST_CASE("the listener serves the next peer after one leaves", "[process][chat]") {
  auto alice = start_listener("alice");
  for (const std::string name : {"bob", "carol"}) {
    auto peer = start_connector(alice.port, name);
    require_joined(*alice.process, name);
    peer->write_stdin("hello from " + name + "\n/quit\n");
    CHECK(peer->wait_exit() == 0);
    CHECK(alice.process->wait_for_line(stream::out, says(name, "hello from " + name)));
  }
  alice.process->write_stdin("/quit\n");
  CHECK(alice.process->wait_exit() == 0);
}

TEST_CASE("SIGTERM says bye to the peer and exits 0", "[process][chat]") {
  auto alice = start_listener("alice");
  auto bob = start_connector(alice.port, "bob");
  require_joined(*bob, "alice");
  alice.process->signal(SIGTERM);
  CHECK(alice.process->wait_exit() == 0);
  CHECK(bob->wait_for(stream::out, "left: shutting down"));
  CHECK(bob->wait_exit() == 0);
}

TEST_CASE("lines typed before anyone connects are delivered to the first peer", "[process][chat]") {
  auto alice = start_listener("alice");
  alice.process->write_stdin("early bird\n");
  CHECK(alice.process->wait_for(stream::err, "nobody is connected yet"));
  auto bob = start_connector(alice.port, "bob");
  CHECK(bob->wait_for_line(stream::out, says("alice", "early bird")));
}
