// Bad input from one connection closes that connection, with a logged reason,
// and harms nothing else: a real peer's chat carries on.
#include <catch2/catch.hpp>

#include <random>

#include "chatnode/protocol/lecture_video.hpp"
#include "chatnode/protocol/messages.hpp"
#include "support/child_process.hpp"
#include "support/jpeg_files.hpp"
#include "support/raw_client.hpp"
#include "support/stats_table.hpp"

using namespace test_support;
using stream = child_process::stream;
namespace protocol = chatnode::protocol;

namespace {

std::string greeting(const std::string& name) {
  protocol::hello h;
  // A node id of its own per name: one id is one node, and a second connection
  // with it would replace the first (a reconnecting peer).
  h.node_id = std::hash<std::string>{}(name);
  h.name = name;
  h.capabilities = protocol::cap_text;
  return as_string(protocol::encode_greeting(h));
}

/// One frame as the teaching video chat sends it: a small real JPEG behind its 16-byte header.
std::string lecture_frame() {
  const auto jpeg = test_support::encode_jpeg(cv::Mat(48, 64, CV_8UC3, cv::Scalar(0, 128, 255)));
  const auto h = protocol::encode_lecture_header(jpeg.size());
  return std::string(h.begin(), h.end()) + std::string(jpeg.begin(), jpeg.end());
}

std::string header(protocol::frame_type t, std::uint32_t length) {
  std::string h(protocol::header_size, '\0');
  h[0] = static_cast<char>(t);
  for (int i = 0; i < 4; ++i) h[4 + i] = static_cast<char>((length >> (8 * (3 - i))) & 0xFF);
  return h;
}

/// alice listening, bob connected to her; both joined.
struct room_of_two {
  listening_node alice = start_listener("alice");
  std::unique_ptr<child_process> bob = start_connector(alice.port, "bob");
  room_of_two() {
    REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
    REQUIRE(bob->wait_for(stream::out, "* alice ("));
  }
  /// The real peers still talk both ways.
  void still_chatting(const std::string& tag) {
    bob->write_stdin("bob still here " + tag + "\n");
    alice.process->write_stdin("alice still here " + tag + "\n");
    CHECK(alice.process->wait_for(stream::out, "] bob: bob still here " + tag));
    CHECK(bob->wait_for(stream::out, "] alice: alice still here " + tag));
  }
};

}  // namespace

TEST_CASE("garbage instead of a preamble is refused before the handshake", "[process][faults]") {
  room_of_two r;
  raw_client mallory(r.alice.port);
  mallory.send(std::string("\x00\xffnot a chat node\r\n", 19));
  CHECK(mallory.read_until_closed(default_wait).closed);
  CHECK(r.alice.process->wait_for(
      stream::err, "closed before the handshake completed: protocol error: not a protocol this node speaks"));
  r.still_chatting("after garbage");
}

TEST_CASE("an oversized length is refused from the header alone", "[process][faults]") {
  room_of_two r;
  raw_client mallory(r.alice.port);
  mallory.send(greeting("mallory") + header(protocol::frame_type::text, 0x7FFFFFFF) + "abc");
  CHECK(mallory.read_until_closed(default_wait).closed);
  CHECK(r.alice.process->wait_for(stream::out, "mallory (127.0.0.1:"));
  CHECK(r.alice.process->wait_for(stream::out, "left: protocol error: frame length over the limit for its type"));
  r.still_chatting("after oversize");
}

TEST_CASE("a truncated frame followed by end of stream delivers nothing partial", "[process][faults]") {
  room_of_two r;
  raw_client mallory(r.alice.port);
  protocol::text_message m;
  m.seq = 1;
  m.origin = "mallory";
  m.body = "this message never arrives whole";
  const auto frame = as_string(protocol::encode(m));
  mallory.send(greeting("mallory") + frame.substr(0, frame.size() - 5));
  mallory.shutdown_send();
  CHECK(mallory.read_until_closed(default_wait).closed);
  CHECK(r.alice.process->wait_for(stream::out, "left: stream ended inside a frame"));
  r.still_chatting("after truncation");
  for (const auto& l : r.alice.process->lines(stream::out)) CHECK(l.find("never arrives") == std::string::npos);
}

TEST_CASE("random bytes after a valid handshake close that connection only", "[process][faults]") {
  room_of_two r;
  std::mt19937 rng(20261126);
  for (int round = 0; round < 3; ++round) {
    raw_client mallory(r.alice.port);
    std::string junk(4096, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    mallory.send(greeting("mallory" + std::to_string(round)) + junk);
    CHECK(mallory.read_until_closed(default_wait).closed);
    CHECK(r.alice.process->wait_for(stream::out, "mallory" + std::to_string(round) + " (127.0.0.1:"));
  }
  CHECK(r.alice.process->wait_for_count(
            stream::out,
            [](const std::string& l) {
              return l.find("mallory") != std::string::npos && l.find("left: protocol error") != std::string::npos;
            },
            3) == 3);
  r.still_chatting("after random bytes");
}

TEST_CASE("a peer of another protocol version is told so and closed", "[process][faults]") {
  room_of_two r;
  raw_client mallory(r.alice.port);
  protocol::hello h;
  h.version = 99;
  h.name = "future";
  mallory.send(as_string(protocol::encode_greeting(h)));
  const auto reply = mallory.read_until_closed(default_wait);
  CHECK(reply.closed);
  CHECK(reply.bytes.find("version 1 required") != std::string::npos);
  CHECK(r.alice.process->wait_for(stream::err, "peer speaks protocol version 99, we speak 1"));
  r.still_chatting("after version mismatch");
}

TEST_CASE("a connection that never says hello is dropped after the handshake deadline", "[process][faults]") {
  room_of_two r;
  raw_client silent(r.alice.port);
  CHECK(silent.read_until_closed(default_wait).closed);
  CHECK(r.alice.process->wait_for(stream::err, "no handshake within 5000 ms"));
  r.still_chatting("after silence");
}

TEST_CASE("a handshake sent one byte a second is dropped at the handshake deadline", "[process][faults]") {
  // The deadline is for the whole handshake, not for each read: trickling bytes does not extend it.
  room_of_two r;
  raw_client slow(r.alice.port);
  const auto bytes = greeting("slowloris");
  std::size_t sent = 0;
  bool closed = false;
  for (; sent < bytes.size() && !closed; ++sent) {
    slow.send(bytes.substr(sent, 1));
    closed = slow.read_until_closed(1s).closed;
  }
  CHECK(closed);
  CHECK(sent < bytes.size());
  CHECK(r.alice.process->wait_for(stream::err, "no handshake within 5000 ms"));
  for (const auto& l : r.alice.process->lines(stream::out)) CHECK(l.find("slowloris") == std::string::npos);
  r.still_chatting("after the trickle");
}

TEST_CASE("a video frame that is not a JPEG is counted and skipped, and the connection survives", "[process][faults]") {
  auto alice = start_listener("alice", {"--receive-only"});
  raw_client mallory(alice.port);
  protocol::hello h;
  h.node_id = 7;
  h.name = "mallory";
  h.capabilities = protocol::cap_text | protocol::cap_video_send;
  std::string stream = as_string(protocol::encode_greeting(h));
  for (std::uint32_t seq = 1; seq <= 3; ++seq) {
    protocol::video_chunk_header v;
    v.frame_seq = seq;
    v.total_bytes = 1000;
    v.width = 64;
    v.height = 48;
    v.origin = "mallory";
    stream += as_string(protocol::encode_prefix(v, 1000)) + std::string(1000, static_cast<char>('A' + seq));
  }
  protocol::text_message m;
  m.seq = 1;
  m.origin = "mallory";
  m.body = "still connected after bad frames";
  stream += as_string(protocol::encode(m));
  mallory.send(stream);

  REQUIRE(alice.process->wait_for(stream::out, "] mallory: still connected after bad frames"));
  // The decode thread may skip a frame when a newer one is already waiting; every one it tried failed.
  const auto accounted = [&] {
    return stats_value(*alice.process, "mallory", skipped_col) +
           stats_value(*alice.process, "mallory", undecodable_col);
  };
  const auto deadline = std::chrono::steady_clock::now() + default_wait;
  while (accounted() < 3 && std::chrono::steady_clock::now() < deadline) alice.process->read_output_for(200ms);
  CHECK(accounted() == 3);
  CHECK(stats_value(*alice.process, "mallory", undecodable_col) >= 1);
  CHECK(stats_value(*alice.process, "mallory", frames_received_col) == 0);
  for (const auto& l : alice.process->lines(stream::out))
    CHECK_FALSE((l.find("mallory (") != std::string::npos && l.find(" left: ") != std::string::npos));
}

TEST_CASE("a malformed lecture-video header or payload closes that connection only", "[process][faults][teaching]") {
  struct bad_input {
    std::string bytes;
    std::string reason;
  };
  const std::string not_a_header = "lecture-video length header is not a decimal number padded with spaces";
  const std::string bad_length = "lecture-video frame length is 0 or over the limit";
  // Letters or a sign are text from the first byte; after a good frame they are a broken header.
  const auto input = GENERATE_COPY(bad_input{lecture_frame() + "12ab            ", not_a_header},
                                   bad_input{lecture_frame() + "-5              ", not_a_header},
                                   bad_input{"99999999999     ", bad_length}, bad_input{"0               ", bad_length},
                                   bad_input{"10              0123456789", "lecture-video frame is not a JPEG"});
  room_of_two r;
  raw_client mallory(r.alice.port);
  mallory.send(input.bytes);
  CHECK(mallory.read_until_closed(default_wait).closed);
  CHECK(r.alice.process->wait_for(stream::out, "left: protocol error: " + input.reason));
  r.still_chatting("after a bad lecture frame");
}

TEST_CASE("text that is not UTF-8, or a line over the limit, closes a text peer only", "[process][faults][teaching]") {
  room_of_two r;
  raw_client mallory(r.alice.port);
  mallory.send("a good line first\n");
  REQUIRE(r.alice.process->wait_for(stream::out, ": a good line first"));
  const bool too_long = GENERATE(false, true);
  mallory.send(too_long ? std::string(protocol::max_text_bytes + 1, 'x') + "\n" : std::string("caf\xC3(\n"));
  CHECK(mallory.read_until_closed(default_wait).closed);
  CHECK(r.alice.process->wait_for(stream::out, too_long ? "left: protocol error: line over the text limit"
                                                        : "left: protocol error: text is not valid UTF-8"));
  r.still_chatting("after bad text");
}

TEST_CASE("a character cut in two by TCP reaches a text peer's room whole", "[process][faults][teaching]") {
  room_of_two r;
  raw_client nc(r.alice.port);
  // One segment that ends inside "é" (C3 A9): the node reads it, prints its
  // first line, and must hold the lone C3 back for the byte still to come.
  nc.send("a line first\ncaf\xC3");
  REQUIRE(r.alice.process->wait_for(stream::out, ": a line first"));
  nc.send("\xA9 au lait\n");
  CHECK(r.alice.process->wait_for(stream::out, ": caf\xC3\xA9 au lait"));
  CHECK(r.bob->wait_for(stream::out, ": caf\xC3\xA9 au lait"));
  nc.send("still here\n");
  CHECK(r.alice.process->wait_for(stream::out, ": still here"));
  r.still_chatting("after a cut character");
}

TEST_CASE("an HTTP request on the chat port is logged and closed", "[process][faults][teaching]") {
  room_of_two r;
  raw_client browser(r.alice.port);
  browser.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(browser.read_until_closed(default_wait).closed);
  CHECK(r.alice.process->wait_for(stream::err,
                                  "closed before the handshake completed: an HTTP request on the chat port"));
  r.still_chatting("after HTTP");
}
