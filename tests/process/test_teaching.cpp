// The teaching programs and nc on a chat_node port: the Python video chat peer
// (tests/teaching/lecture_peer.py) streaming both ways with a listening node and
// with a --connect --protocol lecture-video node, nc chatting with a listening
// node and its room, and a --connect --protocol raw-text node against a plain server.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include <boost/json.hpp>

#include "support/child_process.hpp"
#include "support/jpeg_files.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

using namespace test_support;
using stream = child_process::stream;
namespace fs = std::filesystem;

namespace {

constexpr int frames_sent = 20;
constexpr int frames_wanted = 10;

/// The Python teaching video peer, run with Debian's python3 (which has python3-opencv).
std::unique_ptr<child_process> start_lecture_peer(std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/python3", test_support::source_dir() + "/tests/teaching/lecture_peer.py",
                                "--frames",         std::to_string(frames_sent),
                                "--receive",        std::to_string(frames_wanted)};
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<child_process>(argv);
}

/// The peer's report: the last line it printed, as JSON.
boost::json::object report(const child_process& p) {
  const auto& lines = p.lines(stream::out);
  REQUIRE_FALSE(lines.empty());
  return boost::json::parse(lines.back()).as_object();
}

/// Frames the node saved (--save-frames) that decode, waiting until at least `n` do or time runs out.
std::size_t wait_for_saved_frames(child_process& node, const fs::path& dir, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + default_wait;
  std::size_t decoded = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    decoded = 0;
    if (fs::exists(dir))
      for (const auto& e : fs::directory_iterator(dir)) decoded += test_support::read_jpeg(e.path()).empty() ? 0 : 1;
    if (decoded >= n) break;
    node.read_output_for(200ms);
  }
  return decoded;
}

}  // namespace

TEST_CASE("a teaching video peer streams both ways with a listening node", "[process][teaching]") {
  temp_dir dir;
  const auto saved = dir.path / "received";
  auto alice = start_listener("alice", {"--test-pattern", "--fps", "15", "--save-frames", saved.string()});
  auto peer = start_lecture_peer({"--connect", "127.0.0.1:" + std::to_string(alice.port)});

  REQUIRE(alice.process->wait_for(stream::out, "* lecture 127.0.0.1:"));
  REQUIRE(peer->wait_exit(60s) == 0);
  const auto r = report(*peer);
  CHECK(r.at("sent").as_int64() == frames_sent);
  CHECK(r.at("decoded").as_int64() >= frames_wanted);
  // --scale 0.5 of the 640x480 pattern: the half size the teaching program sent.
  CHECK(r.at("size").as_array() == boost::json::array{320, 240});
  CHECK(wait_for_saved_frames(*alice.process, saved, frames_wanted) >= frames_wanted);
}

TEST_CASE("a --connect --protocol lecture-video node streams both ways with a teaching video peer",
          "[process][teaching]") {
  temp_dir dir;
  const auto saved = dir.path / "received";
  auto peer = start_lecture_peer({"--listen", "0"});
  const auto listening = peer->wait_for(stream::out, "listening");
  REQUIRE(listening);
  const auto port = boost::json::parse(*listening).at("listening").as_int64();
  auto bob = start_connector(
      static_cast<unsigned short>(port), "bob",
      {"--protocol", "lecture-video", "--test-pattern", "--fps", "15", "--save-frames", saved.string()});

  REQUIRE(peer->wait_exit(60s) == 0);
  CHECK(report(*peer).at("decoded").as_int64() >= frames_wanted);
  CHECK(wait_for_saved_frames(*bob, saved, frames_wanted) >= frames_wanted);
  // The peer hung up: a --connect node has nobody left and ends.
  CHECK(bob->wait_exit());
}

TEST_CASE("nc chats with a listening node and its room both ways", "[process][teaching]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  child_process nc({"/usr/bin/nc", "127.0.0.1", std::to_string(alice.port)});

  // nc's user types a line first; that is what tells the node it speaks text.
  nc.write_stdin("hello from nc\r\n");
  const std::regex from_nc(R"(\] nc 127\.0\.0\.1:[0-9]+: hello from nc$)");
  const auto said = [&](const std::string& l) { return std::regex_search(l, from_nc); };
  CHECK(alice.process->wait_for_line(stream::out, said));
  CHECK(bob->wait_for_line(stream::out, said));

  alice.process->write_stdin("hi nc, alice here\n");
  bob->write_stdin("and bob\n");
  CHECK(nc.wait_for(stream::out, "alice: hi nc, alice here"));
  CHECK(nc.wait_for(stream::out, "bob: and bob"));
}

TEST_CASE("a --connect --protocol raw-text node chats with a plain text server", "[process][teaching]") {
  raw_listener server;
  auto bob = start_connector(server.port(), "bob", {"--protocol", "raw-text", "--no-video"});
  auto conn = server.accept(default_wait);

  bob->write_stdin("hello server\n");
  CHECK(conn.read_until("bob: hello server\n", default_wait).bytes == "bob: hello server\n");
  conn.send("a line from the server\n");
  CHECK(bob->wait_for(stream::out, ": a line from the server"));
  // As the teaching text chat sends: one message, no newline.
  conn.send("no newline, one message");
  CHECK(bob->wait_for(stream::out, ": no newline, one message"));

  conn.shutdown_send();
  CHECK(bob->wait_exit() == 0);
}
