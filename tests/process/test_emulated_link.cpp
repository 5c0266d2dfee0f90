// The emulated link's rate limit and router buffer (support/emulated_link),
// seen from the traffic: a burst into a slow link's full buffer is dropped at
// the tail and accounted for, an unlimited link delivers it whole, and the rate
// changes mid-run without the link stalling. Python's sockets play both ends.
// Only what arrived and what the link counted is checked, never how long it
// took: the machines are shared. Needs root; without it the cases say so.
#include <catch2/catch.hpp>

#include <string>

#include "support/child_process.hpp"
#include "support/emulated_link.hpp"

using namespace test_support;
using stream = child_process::stream;

namespace {

constexpr const char* python = "/usr/bin/python3";

/// Side A: counts datagrams until an "end" one, which it acknowledges.
constexpr const char* udp_receiver = R"(
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# Room for a whole burst at once, past net.core.rmem_max (SO_RCVBUFFORCE, 33 on Linux).
s.setsockopt(socket.SOL_SOCKET, getattr(socket, 'SO_RCVBUFFORCE', 33), 1 << 23)
s.bind((sys.argv[1], 0))
s.settimeout(60)
print('ready', s.getsockname()[1], flush=True)
got = 0
for _ in range(int(sys.argv[2]) + 1000):
    data, peer = s.recvfrom(65536)
    if data == b'end':
        s.sendto(b'ack', peer)
        break
    got += 1
print('received', got, flush=True)
)";

/// Side B: sends COUNT datagrams of SIZE bytes at once, then "end" until it is acknowledged.
/// The link is first in, first out: once an "end" arrives, what was left of the burst has.
constexpr const char* udp_sender = R"(
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((sys.argv[1], int(sys.argv[2])))
n, size = int(sys.argv[3]), int(sys.argv[4])
sent = sum(s.send(i.to_bytes(4, 'big') * (size // 4)) == size for i in range(n))
print('sent', sent, flush=True)
s.settimeout(0.2)
for ends in range(1, 301):
    s.send(b'end')
    try:
        s.recv(16)
        break
    except socket.timeout:
        pass
print('ends', ends, flush=True)
)";

/// Side A: takes CONNECTIONS connections one after another, each read to its end.
constexpr const char* tcp_receiver = R"(
import hashlib, socket, sys
listener = socket.create_server((sys.argv[1], 0))
listener.settimeout(60)
print('ready', listener.getsockname()[1], flush=True)
for _ in range(int(sys.argv[2])):
    c, _ = listener.accept()
    c.settimeout(60)
    h, n = hashlib.sha256(), 0
    for _ in range(1000000):
        data = c.recv(65536)
        if not data:
            break
        h.update(data)
        n += len(data)
    c.close()
    print('received', n, h.hexdigest(), flush=True)
)";

/// Side B: sends SIZE bytes drawn from SEED over one connection.
constexpr const char* tcp_sender = R"(
import hashlib, random, socket, sys
data = random.Random(int(sys.argv[4])).randbytes(int(sys.argv[3]))
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60) as s:
    s.sendall(data)
print('sent', len(data), hashlib.sha256(data).hexdigest(), flush=True)
)";

/// What follows "WORD " on the first such line `p` prints; fails the test with its errors if none comes.
std::string after_word(child_process& p, const std::string& word, std::size_t nth = 1) {
  const auto prefix = word + " ";
  const auto starts = [&](const std::string& l) { return l.starts_with(prefix); };
  if (p.wait_for_count(stream::out, starts, nth, 60s) < nth)
    FAIL("no '" << word << "' line; stderr: " << p.transcript(stream::err));
  std::size_t seen = 0;
  for (const auto& l : p.lines(stream::out))
    if (starts(l) && ++seen == nth) return l.substr(prefix.size());
  return {};
}

struct burst_result {
  long sent = 0, received = 0;
};

/// `count` datagrams of `size` bytes sent at once from side B to side A.
burst_result udp_burst(const emulated_link& link, int count, int size) {
  child_process receiver(link.in_a({python, "-c", udp_receiver, emulated_link::address_a, std::to_string(count)}));
  const auto port = after_word(receiver, "ready");
  child_process sender(link.in_b(
      {python, "-c", udp_sender, emulated_link::address_a, port, std::to_string(count), std::to_string(size)}));
  burst_result r;
  r.sent = std::stol(after_word(sender, "sent"));
  r.received = std::stol(after_word(receiver, "received"));
  CHECK(sender.wait_exit() == 0);
  CHECK(receiver.wait_exit() == 0);
  return r;
}

/// `size` bytes from side B to the tcp_receiver on side A; checks they arrived intact.
void tcp_transfer(const emulated_link& link, child_process& receiver, const std::string& port, int size,
                  std::size_t nth) {
  child_process sender(
      link.in_b({python, "-c", tcp_sender, emulated_link::address_a, port, std::to_string(size), std::to_string(nth)}));
  const auto sent = after_word(sender, "sent");
  CHECK(sent.starts_with(std::to_string(size) + " "));
  CHECK(after_word(receiver, "received", nth) == sent);
  CHECK(sender.wait_exit() == 0);
}

constexpr int burst_count = 200;
constexpr int datagram_bytes = 1200;
constexpr int packet_bytes = datagram_bytes + 28;  // with its IPv4 and UDP headers

}  // namespace

TEST_CASE("emulated link: a burst into a slow link's full router queue is dropped at the tail, all accounted for",
          "[netns][emulated_link]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  constexpr std::size_t queue = 24000;
  emulated_link link({.rate_bps = 1'000'000, .queue_bytes = queue});
  const auto r = udp_burst(link, burst_count, datagram_bytes);

  CHECK(r.sent == burst_count);
  CHECK(r.received > 0);
  CHECK(r.received < r.sent);
  CHECK(link.packets_queue_dropped() > 0);
  CHECK(link.packets_dropped() == 0);
  // Each datagram that did not arrive was dropped at the tail; the counters also
  // hold the other packets either way ("end", its acknowledgement, IPv6's own).
  CHECK(static_cast<std::uint64_t>(r.sent - r.received) <= link.packets_queue_dropped());
  CHECK(link.packets_carried() + link.packets_queue_dropped() >= static_cast<std::uint64_t>(r.sent));
  CHECK(link.packets_carried() >= static_cast<std::uint64_t>(r.received));
  // Full, as a dropped datagram found it, and never past its bound.
  CHECK(link.max_queue_bytes() <= queue);
  CHECK(link.max_queue_bytes() + packet_bytes > queue);
}

TEST_CASE("emulated link: without a rate limit a burst arrives whole, nothing waits in the router queue",
          "[netns][emulated_link]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  // Unbounded, and bounded below the burst: an instant serializer never lets the queue fill.
  const std::size_t queue = GENERATE(std::size_t{0}, std::size_t{24000});
  INFO("queue_bytes " << queue);
  emulated_link link({.queue_bytes = queue});
  CHECK(link.rate() == 0);
  const auto r = udp_burst(link, burst_count, datagram_bytes);

  CHECK(r.sent == burst_count);
  CHECK(r.received == r.sent);
  CHECK(link.packets_queue_dropped() == 0);
  CHECK(link.packets_dropped() == 0);
  CHECK(link.packets_carried() >= static_cast<std::uint64_t>(r.sent));
}

TEST_CASE("emulated link: set_rate mid-run changes the rate both ways, and the link carries on",
          "[netns][emulated_link]") {
  if (const auto why = emulated_link::unavailable()) {
    WARN("not run: " << *why);
    return;
  }
  constexpr std::size_t queue = 64000;
  emulated_link link({.delay = 5ms, .rate_bps = 2'000'000, .queue_bytes = queue});
  CHECK(link.rate() == 2'000'000);
  child_process receiver(link.in_a({python, "-c", tcp_receiver, emulated_link::address_a, "2"}));
  const auto port = after_word(receiver, "ready");

  tcp_transfer(link, receiver, port, 200'000, 1);
  link.set_rate(20'000'000);
  CHECK(link.rate() == 20'000'000);
  tcp_transfer(link, receiver, port, 1'000'000, 2);
  CHECK(receiver.wait_exit() == 0);
  CHECK(link.max_queue_bytes() <= queue);

  // No limit now: the same burst that a slow link drops at the tail arrives whole, past a queue it would overflow.
  const auto dropped_before = link.packets_queue_dropped();
  link.set_rate(0);
  CHECK(link.rate() == 0);
  const auto r = udp_burst(link, burst_count, datagram_bytes);
  CHECK(r.received == burst_count);
  CHECK(link.packets_queue_dropped() == dropped_before);
}
