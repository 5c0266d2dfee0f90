// Staying live on a slow link (peer/link_adapter.hpp): nodes on either side of
// an emulated link with a rate and a router's queue (support/emulated_link)
// send video both ways and type. Behaviour only, never timing: a slow link
// moves down the quality ladder and a fast one does not; in a room the fast
// peer keeps full quality beside the slow one; text under saturating video
// arrives whole and in order; capture runs only while someone watches; a page
// on a slow link keeps getting new frames. Needs root; without it the cases
// that need a link say so and check nothing.
#include <catch2/catch.hpp>

#include <iostream>
#include <regex>
#include <string>

#include "support/chat_lines.hpp"
#include "support/link_pair.hpp"
#include "support/stats_table.hpp"

using namespace test_support;
using stream = child_process::stream;
using namespace std::chrono_literals;

namespace {

/// 1.5 Mbit/s each way, 20 ms each way, a router queue of 250 ms of the rate.
emulated_link::impairment slow_link() {
  constexpr std::uint64_t rate = 1'500'000;
  return {20ms, 0, rate, rate / 8 / 4};
}

/// Polls `p`'s /stats row about `peer` (bounded by default_wait) until `done` holds; returns the last row.
std::vector<std::string> wait_for_row(child_process& p, const std::string& peer,
                                      const std::function<bool(const std::vector<std::string>&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + default_wait;
  auto row = stats_row(p, peer);
  while (!done(row) && std::chrono::steady_clock::now() < deadline) {
    p.wait_for(stream::out, "never printed", 250ms);
    row = stats_row(p, peer);
  }
  return row;
}

long column(const std::vector<std::string>& row, int c) { return std::stol(row[static_cast<std::size_t>(c)]); }

const std::vector<std::string> video_640{"--test-pattern", "--size", "640x480", "--fps", "30"};

}  // namespace

TEST_CASE("on a slow link our video steps down the quality ladder, and text still arrives whole and in order",
          "[netns][slow_link]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  emulated_link link(slow_link());
  auto [alice, bob] = start_pair(link, video_640);

  // Both send 640x480 at 30 fps, some 7 Mbit/s each at full quality: five times what the link carries.
  const auto bob_to_alice = wait_for_row(*bob, "alice", [](const auto& r) {
    return column(r, rung_col) > 0 && r[sent_col] != "-" && r[sent_col] != "q90/640x480";
  });
  INFO(bob->transcript(stream::err));
  CHECK(column(bob_to_alice, rung_col) > 0);
  CHECK(bob_to_alice[sent_col] != "q90/640x480");
  CHECK(column(bob_to_alice, link_kbps_col) > 0);
  CHECK(column(bob_to_alice, link_kbps_col) < 10000);  // it measured the link, not a loopback's rate

  // Text typed while the video fills the link: every line, in order, each way.
  for (int i = 0; i < 40; i += 4) {
    type_numbered(*alice, "alice ", i, i + 4);
    type_numbered(*bob, "bob ", i, i + 4);
    read_both_for(*alice, *bob, 200ms);
  }
  CHECK(alice->wait_for_count(stream::out, says("bob", "bob "), 40) == 40);
  CHECK(bob->wait_for_count(stream::out, says("alice", "alice "), 40) == 40);
  CHECK(numbered(*alice, "bob", "bob ") == count_up(0, 40));
  CHECK(numbered(*bob, "alice", "alice ") == count_up(0, 40));

  // Video still flows, smaller: frames keep arriving on both sides.
  const auto frames_before = column(stats_row(*alice, "bob"), frames_received_col);
  const auto later = wait_for_stat(*alice, "bob", frames_received_col, [&](long v) { return v >= frames_before + 30; });
  CHECK(later >= frames_before + 30);
  // Nobody was cut off for being slow, and no link was lost.
  for (auto* p : {alice.get(), bob.get()})
    for (const auto& l : p->lines(stream::out)) CHECK(l.find(" left") == std::string::npos);
  const auto row = stats_row(*bob, "alice");
  std::cout << "slow link (1.5 Mbit/s, 20 ms): bob to alice estimated " << row[link_kbps_col] << " kbit/s, queue "
            << row[queue_col] << " ms, rung " << row[rung_col] << ", sending " << row[sent_col] << ", held "
            << row[held_col] << "; router queue dropped " << link.packets_queue_dropped() << " packets\n";
}

TEST_CASE("on a fast link our video stays at the top of the ladder", "[slow_link]") {
  auto alice = start_listener("alice", {"--test-pattern", "--size", "320x240", "--fps", "10"});
  auto bob = start_connector(alice.port, "bob", {"--receive-only"});
  require_joined(*bob, "alice");
  const auto row = wait_for_row(*alice.process, "bob", [](const auto& r) { return column(r, frames_sent_col) >= 30; });
  INFO(alice.process->transcript(stream::err));
  CHECK(column(row, frames_sent_col) >= 30);
  CHECK(column(row, rung_col) == 0);
  CHECK(row[sent_col] == "q90/320x240");
  CHECK(column(row, held_col) == 0);
}

TEST_CASE("in a room, a slow peer gets a smaller picture while a fast peer keeps full quality", "[netns][slow_link]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  emulated_link link(slow_link());
  // alice hosts on side A; carol joins from side A itself (no link between them), bob across the link.
  auto [alice, bob] = start_pair(link, video_640, {"--receive-only"});
  child_process carol(
      link.in_a({chat_node_binary(), "--connect", std::string(emulated_link::address_a) + ":" + listening_port(*alice),
                 "--name", "carol", "--receive-only"}));
  require_joined(carol, "alice");

  const auto to_bob = wait_for_row(*alice, "bob", [](const auto& r) {
    return column(r, rung_col) > 0 && r[sent_col] != "-" && r[sent_col] != "q90/640x480";
  });
  INFO(alice->transcript(stream::err));
  CHECK(column(to_bob, rung_col) > 0);
  CHECK(to_bob[sent_col] != "q90/640x480");
  const auto to_carol = wait_for_row(*alice, "carol", [](const auto& r) { return column(r, frames_sent_col) >= 30; });
  CHECK(column(to_carol, rung_col) == 0);
  CHECK(to_carol[sent_col] == "q90/640x480");
  // From now on both keep getting frames, carol as many as the link lets bob have at least.
  const auto carol_before = column(stats_row(*alice, "carol"), frames_sent_col);
  const auto bob_before = column(stats_row(*alice, "bob"), frames_sent_col);
  const auto carol_frames =
      wait_for_stat(carol, "alice", frames_received_col, [&](long v) { return v >= carol_before + 30; });
  CHECK(carol_frames >= carol_before + 30);
  const auto to_carol_after = stats_row(*alice, "carol");
  const auto to_bob_after = stats_row(*alice, "bob");
  // (bob's row is read a moment after carol's: a frame or two more may have gone to him meanwhile)
  CHECK(column(to_carol_after, frames_sent_col) - carol_before + 2 >=
        column(to_bob_after, frames_sent_col) - bob_before);
  CHECK(column(to_carol_after, rung_col) == 0);
  const auto bob_frames = wait_for_stat(*bob, "alice", frames_received_col, [](long v) { return v >= 10; });
  CHECK(bob_frames >= 10);
  std::cout << "room: to carol (same host) " << to_carol[sent_col] << " rung " << to_carol[rung_col]
            << "; to bob (1.5 Mbit/s) " << to_bob[sent_col] << " rung " << to_bob[rung_col] << "\n";
}

TEST_CASE("our video is captured only while someone watches it", "[slow_link][capture]") {
  auto alice = start_listener("alice", {"--test-pattern", "--size", "160x120", "--fps", "30"});
  auto& a = *alice.process;
  const auto off = [](const std::string& l) {
    return l.find("nobody is watching: our video is off") != std::string::npos;
  };
  const auto on = [](const std::string& l) {
    return l.find("someone is watching: our video is on") != std::string::npos;
  };
  INFO(a.transcript(stream::err));
  REQUIRE(a.wait_for_count(stream::err, off, 1) == 1);

  // A peer that takes no video (text only) does not turn it on; one that takes video does.
  auto text_only = start_connector(alice.port, "tom", {"--no-video"});
  require_joined(a, "tom");
  auto viewer = start_connector(alice.port, "vic", {"--receive-only"});
  REQUIRE(a.wait_for_count(stream::err, on, 1) == 1);
  // Alice counts vic in once his hello is in; vic has alice once hers is: his /stats waits for that.
  require_joined(*viewer, "alice");
  const auto frames = wait_for_stat(*viewer, "alice", frames_received_col, [](long v) { return v >= 5; });
  CHECK(frames >= 5);
  CHECK(a.wait_for_count(stream::err, on, 2, 0ms) == 1);  // it turned on once, for vic

  // vic leaves: off again, though tom is still there.
  viewer->write_stdin("/quit\n");
  CHECK(viewer->wait_exit() == 0);
  CHECK(a.wait_for_count(stream::err, off, 2) == 2);
  text_only->write_stdin("/quit\n");
  CHECK(text_only->wait_exit() == 0);
}

TEST_CASE("a page across a slow link keeps getting new frames of ours, newest first", "[netns][slow_link][web]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  emulated_link link(slow_link());
  const std::string host = emulated_link::address_a;
  child_process alice(link.in_a({chat_node_binary(), "--listen", host + ":0", "--name", "alice", "--web", host + ":0",
                                 "--test-pattern", "--size", "640x480", "--fps", "30"}));
  const auto page = alice.wait_for(stream::err, "web page at http://");
  INFO(alice.transcript(stream::err));
  REQUIRE(page);
  std::smatch m;
  REQUIRE(std::regex_search(*page, m, std::regex(":([0-9]+)/\\?token=([0-9a-zA-Z_-]+)")));

  // The page's WebSocket, as a browser speaks it, from side B: for 8 s it counts
  // the frames of our stream (binary messages for stream 0) and how many differ.
  child_process viewer(link.in_b({"/usr/bin/python3", "-c", R"(
import base64, hashlib, os, socket, sys, time
host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((host, port), timeout=10)
s.sendall(('GET /ws?token=%s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
           'Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n'
           % (token, host, port, base64.b64encode(os.urandom(16)).decode())).encode())
buf = b''
def need(n):
    global buf
    while len(buf) < n:
        d = s.recv(65536)
        if not d: sys.exit('closed by the node')
        buf += d
    out, buf = buf[:n], buf[n:]
    return out
while b'\r\n\r\n' not in buf:
    d = s.recv(4096)
    if not d: sys.exit('closed during the upgrade')
    buf += d
head, buf = buf.split(b'\r\n\r\n', 1)
if b' 101 ' not in head.split(b'\r\n')[0]: sys.exit('no upgrade: %r' % head)
frames, distinct, message = 0, set(), b''
end = time.monotonic() + 8
while time.monotonic() < end:
    b0, b1 = need(2)
    n = b1 & 127
    if n == 126: n = int.from_bytes(need(2), 'big')
    elif n == 127: n = int.from_bytes(need(8), 'big')
    message += need(n)
    if not b0 & 0x80: continue
    if b0 & 15 in (2, 0) and message[:4] == b'\0\0\0\0':
        frames += 1
        distinct.add(hashlib.sha1(message[4:]).digest())
    message = b''
print('frames', frames, 'distinct', len(distinct), flush=True)
)",
                                  host, m[1].str(), m[2].str()}));
  const auto counted = viewer.wait_for(stream::out, "frames ", 40s);
  INFO(viewer.transcript(stream::err));
  REQUIRE(counted);
  int frames = 0, distinct = 0;
  REQUIRE(std::sscanf(counted->c_str(), "frames %d distinct %d", &frames, &distinct) == 2);
  // New frames keep coming (each one new), though far fewer than the 240 captured
  // meanwhile: the link takes some 6 of these a second, and none waits in a backlog.
  CHECK(frames >= 10);
  CHECK(distinct == frames);
  CHECK(frames < 200);
  CHECK(viewer.wait_exit() == 0);
  std::cout << "page across 1.5 Mbit/s: " << frames << " frames of ours in 8 s\n";
}
