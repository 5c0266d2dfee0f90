// Peers that follow the protocol to the letter and still try to exhaust,
// freeze or mislead a node: one that pings and never reads, one that holds a
// stop open, one that answers pings never sent and stamps frames at the end of
// time. Each must cost the node a bounded amount, and the room nothing.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "chatnode/protocol/messages.hpp"
#include "support/child_process.hpp"
#include "support/jpeg_files.hpp"
#include "support/raw_client.hpp"
#include "support/stats_table.hpp"
#include "support/temp_dir.hpp"

using namespace test_support;
using namespace std::chrono_literals;
using stream = child_process::stream;
namespace protocol = chatnode::protocol;

namespace {

/// A raw client that has said hello as `name` with `capabilities`, and is in alice's room.
raw_client join(listening_node& alice, const std::string& name, std::uint32_t capabilities) {
  protocol::hello h;
  h.node_id = std::hash<std::string>{}(name);
  h.name = name;
  h.capabilities = capabilities;
  raw_client c(alice.port);
  c.send(as_string(protocol::encode_greeting(h)));
  REQUIRE(alice.process->wait_for(stream::out, "* " + name + " ("));
  return c;
}

/// Every frame of one small real JPEG, stamped as captured at `capture_us`.
std::string video_frame(std::uint32_t seq, std::uint64_t capture_us, const std::string& origin) {
  const auto jpeg = test_support::encode_jpeg(cv::Mat(48, 64, CV_8UC3, cv::Scalar(40, 90, 200)));
  REQUIRE(jpeg.size() <= protocol::video_chunk_bytes);
  protocol::video_chunk_header h;
  h.frame_seq = seq;
  h.total_bytes = static_cast<std::uint32_t>(jpeg.size());
  h.capture_us = capture_us;
  h.width = 64;
  h.height = 48;
  h.origin = origin;
  return as_string(protocol::encode_prefix(h, jpeg.size())) + std::string(jpeg.begin(), jpeg.end());
}

}  // namespace

TEST_CASE("a peer that pings and never reads gets one pong at a time: the node's memory stays flat",
          "[process][hostile]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  auto mallory = join(alice, "mallory", protocol::cap_text);
  const auto rss_before = memory_kib(alice.process->pid(), "VmRSS");

  // 2 million pings (32 MB) whose pongs are never read: one queued pong each
  // would be over 100 MiB, far past what the kernel's socket buffers absorb.
  const auto ping = as_string(protocol::encode(protocol::ping{12345}));
  std::string burst;
  for (int i = 0; i < 64 * 1024; ++i) burst += ping;
  constexpr int bursts = 32;
  for (int i = 0; i < bursts; ++i) mallory.send(burst);
  // Frames are handled in order: once this line shows, every ping has been.
  mallory.send(as_string(protocol::encode(protocol::text_message{1, 0, "mallory", "all pinged"})));
  REQUIRE(alice.process->wait_for(stream::out, "] mallory: all pinged", 120s));

  const auto rss_after = memory_kib(alice.process->pid(), "VmRSS");
  INFO("alice's memory: " << rss_before / 1024 << " MiB before, " << rss_after / 1024 << " MiB after "
                          << bursts * burst.size() / (1 << 20) << " MiB of pings");
  CHECK(rss_after - rss_before < 48 * 1024);
  bob->write_stdin("bob is unaffected\n");
  CHECK(alice.process->wait_for(stream::out, "] bob: bob is unaffected"));
}

TEST_CASE("a node stops within its bound although a peer pings and never reads", "[process][hostile]") {
  auto alice = start_listener("alice", {"--test-pattern", "--size", "1280x720"});
  auto mallory = join(alice, "mallory", protocol::cap_text | protocol::cap_video_recv);
  const auto ping = as_string(protocol::encode(protocol::ping{1}));

  // mallory keeps alice's silence timer happy and reads nothing, until alice's
  // writes to her are stuck: frames are then replaced before they go out.
  const auto dropped = wait_for_stat(*alice.process, "mallory", dropped_col, [&](long v) {
    mallory.send(ping);
    return v >= 30;
  });
  REQUIRE(dropped >= 30);

  alice.process->signal(SIGTERM);
  // flush (3 s) and linger (2 s) bound the stop, and the heartbeat sees the
  // deadline within a second; the rest is margin for the sanitizers. Pinging
  // throughout: the silence timeout must not be what ends it.
  std::optional<int> code;
  for (int i = 0; i < 40 && !code; ++i) {
    mallory.send(ping);
    code = alice.process->wait_exit(500ms);
  }
  REQUIRE(code.has_value());
  CHECK(*code == 0);
}

TEST_CASE("a pong for a ping never sent, and frames stamped at the ends of time, change no figure",
          "[process][hostile]") {
  auto alice = start_listener("alice", {"--receive-only"});
  auto mallory = join(alice, "mallory", protocol::cap_text | protocol::cap_video_send);

  // Times no clock gives: the round trip and the offset would come out as
  // years, and a signed subtraction of these overflows (UBSan stops the node).
  mallory.send(as_string(protocol::encode(protocol::pong{1, 0, 0})));
  mallory.send(as_string(protocol::encode(protocol::pong{1, 1ull << 63, (1ull << 63) - 1})));
  // One at a time: a frame arriving while the decoder is busy replaces the one waiting.
  mallory.send(video_frame(1, 1, "mallory"));
  CHECK(wait_for_stat(*alice.process, "mallory", frames_received_col, [](long v) { return v >= 1; }) == 1);
  mallory.send(video_frame(2, 1ull << 63, "mallory"));
  CHECK(wait_for_stat(*alice.process, "mallory", frames_received_col, [](long v) { return v >= 2; }) == 2);

  const auto row = stats_row(*alice.process, "mallory");
  INFO("alice's /stats row for mallory: rtt " << row[2] << " ms, frame latency p50 " << row[latency_p50_col] << " ms");
  CHECK(row[2] == "-");                // mallory never answered one of alice's pings
  CHECK(row[latency_p50_col] == "-");  // neither frame's age is one a link can have
  CHECK_FALSE(alice.process->wait_exit(0ms).has_value());
}

TEST_CASE("a name holding a control character is refused with its reason, and the room carries on",
          "[process][hostile]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  // A newline would forge a line on alice's terminal, or a line of known_peers
  // on a --tls node; ESC and the C1 CSI (U+009B) would drive the terminal.
  const std::vector<std::string> names{"x\ny", "m\n[12:00:00] admin", "tab\there", "\x1b[2Jclear",
                                       "csi\xc2\x9b"
                                       "2J"};
  for (const auto& name : names) {
    protocol::hello h;
    h.node_id = std::hash<std::string>{}(name);
    h.name = name;
    h.capabilities = protocol::cap_text;
    raw_client mallory(alice.port);
    mallory.send(as_string(protocol::encode_greeting(h)));
    CHECK(mallory.read_until_closed(default_wait).closed);
  }
  CHECK(alice.process->wait_for_count(
            stream::err,
            [](const std::string& l) { return l.find("a name holds a control character") != std::string::npos; },
            names.size()) == names.size());
  bob->write_stdin("still here\n");
  CHECK(alice.process->wait_for(stream::out, "] bob: still here"));
  for (const auto& l : alice.process->lines(stream::out)) CHECK(l.rfind("[12:00:00] admin", 0) != 0);
}

TEST_CASE("a raw-text peer gets each message as one block: no control character, no line of its own",
          "[process][hostile]") {
  auto alice = start_listener("alice", {"--no-video"});
  raw_client reader(alice.port);
  reader.send("hello from nc\n");  // what makes the node take it for a raw-text peer
  REQUIRE(alice.process->wait_for(stream::out, "hello from nc"));
  auto mallory = join(alice, "mallory", protocol::cap_text);
  protocol::text_message m;
  m.seq = 1;
  m.sent_us = 1'700'000'000'000'000;
  m.origin = "mallory";
  m.body = "\x1b]0;owned\x07hi\n[12:00:00] admin: approve the transfer";
  mallory.send(as_string(protocol::encode(m)));

  const auto got = reader.read_until("approve the transfer", default_wait);
  REQUIRE(got.bytes.find("approve the transfer") != std::string::npos);
  CHECK(got.bytes.find('\x1b') == std::string::npos);
  CHECK(got.bytes.find('\x07') == std::string::npos);
  CHECK(got.bytes.find("mallory: ^[]0;owned^Ghi\n         [12:00:00] admin: approve the transfer") !=
        std::string::npos);
  CHECK(got.bytes.find("\n[12:00:00] admin") == std::string::npos);
}

TEST_CASE("a link relays video of at most as many others as the room holds: more are dropped, said once",
          "[process][hostile][video]") {
  test_support::temp_dir dir;
  auto alice = start_listener("alice", {"--test-pattern", "--size", "160x120", "--max-peers", "4", "--record",
                                        (dir.path / "rec.avi").string()});
  auto mallory = join(alice, "mallory", protocol::cap_text | protocol::cap_video_send);
  // 300 frames, each claiming a camera of its own: a stream, a page tile and a
  // recording each, if believed.
  std::string frames;
  for (std::uint32_t i = 0; i < 300; ++i)
    frames += video_frame(i + 1, 1'700'000'000'000'000ull, "ghost" + std::to_string(i));
  mallory.send(frames);
  // Frames are handled in order: once this line shows, every frame has been.
  mallory.send(as_string(protocol::encode(protocol::text_message{1, 0, "mallory", "all sent"})));
  REQUIRE(alice.process->wait_for(stream::out, "] mallory: all sent"));
  CHECK(alice.process->wait_for_count(
            stream::err,
            [](const std::string& l) {
              return l.find("relays video of more than 4 others: frames of the ones beyond are dropped") !=
                     std::string::npos;
            },
            1) == 1);
  alice.process->write_stdin("/quit\n");
  REQUIRE(alice.process->wait_exit() == 0);
  const auto recordings =
      std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator());
  INFO(recordings << " recordings");
  CHECK(recordings <= 4);
  CHECK(alice.process->wait_for_count(
            stream::err, [](const std::string& l) { return l.find("relays video of more than") != std::string::npos; },
            2, 0ms) == 1);
}

TEST_CASE("a terminal that stops reading costs lines on it, never the room: the node relays on", "[process][hostile]") {
  auto alice = start_listener("alice", {"--no-video"});
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  auto carol = start_connector(alice.port, "carol", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  REQUIRE(alice.process->wait_for(stream::out, "* carol ("));
  REQUIRE(carol->wait_for(stream::out, "* alice ("));
  // Nothing reads alice's output from here on: her stdout pipe fills after a few hundred lines.
  constexpr int lines = 12000;  // about 1.3 MB on alice's terminal: more than its queue holds
  std::string typed;
  for (int i = 0; i < lines; ++i) typed += "line " + std::to_string(i) + " " + std::string(80, 'z') + "\n";
  bob->write_stdin(typed);
  CHECK(carol->wait_for_count(
            stream::out, [](const std::string& l) { return l.find("] bob: line ") != std::string::npos; }, lines,
            120s) == lines);
  // Read again, alice's terminal says what it missed before what comes next.
  bob->write_stdin("after the gap\n");
  CHECK(alice.process->wait_for(stream::out, "] bob: after the gap"));
  CHECK(alice.process->wait_for(stream::out, "not shown: the terminal was not reading"));
}
