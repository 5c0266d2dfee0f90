#include "support/emulated_link.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <random>
#include <stdexcept>

#include "support/child_process.hpp"

namespace test_support {
namespace {

using clock = std::chrono::steady_clock;

/// iproute2's ip (child_process runs a path, not a name looked up in PATH).
std::string ip() { return ::access("/usr/sbin/ip", X_OK) == 0 ? "/usr/sbin/ip" : "/sbin/ip"; }

/// Runs a command to its end; throws with its output when it fails.
void run(const std::vector<std::string>& argv) {
  child_process p(argv);
  const auto code = p.wait_exit(10s);
  if (code != 0) {
    std::string line;
    for (const auto& a : argv) line += a + " ";
    throw std::runtime_error("emulated_link: '" + line + "' failed: " + p.transcript(child_process::stream::err));
  }
}

int open_tun(const std::string& name) {
  const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("emulated_link: /dev/net/tun: ") + std::strerror(errno));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    const int e = errno;
    ::close(fd);
    throw std::runtime_error("emulated_link: TUNSETIFF " + name + ": " + std::strerror(e));
  }
  return fd;
}

}  // namespace

std::optional<std::string> emulated_link::unavailable() {
  if (::geteuid() != 0) return "needs root (network namespaces)";
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "no /dev/net/tun";
  if (::access("/usr/sbin/ip", X_OK) != 0 && ::access("/sbin/ip", X_OK) != 0) return "no ip (iproute2)";
  return std::nullopt;
}

emulated_link::emulated_link(impairment imp) : imp_(imp), rate_(imp.rate_bps) {
  static std::atomic<int> serial{0};
  const auto id = std::to_string(::getpid() % 100000) + "x" + std::to_string(serial++);
  ns_a_ = "cnlink" + id + "a";
  ns_b_ = "cnlink" + id + "b";
  tun_a_ = "cnt" + id + "a";
  tun_b_ = "cnt" + id + "b";
  try {
    run({ip(), "netns", "add", ns_a_});
    run({ip(), "netns", "add", ns_b_});
    fd_a_ = open_tun(tun_a_);
    fd_b_ = open_tun(tun_b_);
    run({ip(), "link", "set", tun_a_, "netns", ns_a_});
    run({ip(), "link", "set", tun_b_, "netns", ns_b_});
    run({ip(), "-n", ns_a_, "addr", "add", address_a, "peer", address_b, "dev", tun_a_});
    run({ip(), "-n", ns_b_, "addr", "add", address_b, "peer", address_a, "dev", tun_b_});
    for (const auto& [ns, dev] : {std::pair{ns_a_, tun_a_}, std::pair{ns_b_, tun_b_}}) {
      run({ip(), "-n", ns, "link", "set", dev, "up"});
      run({ip(), "-n", ns, "link", "set", "lo", "up"});
    }
    if (::pipe2(stop_, O_CLOEXEC) != 0) throw std::runtime_error("emulated_link: pipe failed");
  } catch (...) {
    teardown();
    throw;
  }
  carrier_ = std::thread([this] { carry(); });
}

emulated_link::~emulated_link() { teardown(); }

void emulated_link::teardown() {
  if (carrier_.joinable()) {
    [[maybe_unused]] const auto n = ::write(stop_[1], "x", 1);
    carrier_.join();
  }
  for (int fd : {fd_a_, fd_b_, stop_[0], stop_[1]})
    if (fd >= 0) ::close(fd);
  fd_a_ = fd_b_ = stop_[0] = stop_[1] = -1;
  // Deleting a namespace deletes the interfaces in it.
  for (auto* ns : {&ns_a_, &ns_b_}) {
    if (ns->empty()) continue;
    child_process p({ip(), "netns", "del", *ns});
    p.wait_exit(10s);
    ns->clear();
  }
}

std::vector<std::string> emulated_link::in(const std::string& ns, const std::vector<std::string>& argv) {
  std::vector<std::string> out{ip(), "netns", "exec", ns};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void emulated_link::set_up(bool up) { run({ip(), "-n", ns_a_, "link", "set", tun_a_, up ? "up" : "down"}); }

namespace {

struct packet {
  clock::time_point at;  ///< when it reached the router; once sent, when it is due at the other side
  std::vector<std::uint8_t> bytes;
};

/// One direction: the router's queue, whose front is the packet being sent, and the delay line after it.
struct direction {
  explicit direction(int fd) : out_fd(fd) {}
  int out_fd;
  std::deque<packet> queue;
  std::size_t queued_bytes = 0;
  std::optional<clock::time_point> front_sent;  ///< when the front's last bit is out, once it is being sent
  clock::time_point free_at{};                  ///< when the last packet sent was out
  std::deque<packet> in_flight;                 ///< a fixed delay: due in the order sent
};

/// Moves what has been sent by `now` into the delay line and starts on the next packet.
void serialize(direction& d, clock::time_point now, const std::atomic<std::uint64_t>& rate,
               std::chrono::milliseconds delay) {
  while (!d.queue.empty()) {
    auto& front = d.queue.front();
    if (!d.front_sent) {
      // From the previous packet's end, not from when the carrier woke: a late
      // wake-up must not slow the link down. Without a rate a packet leaves as it came.
      const auto bps = rate.load();
      const auto start = std::max(d.free_at, front.at);
      const auto bits = front.bytes.size() * 8;
      d.front_sent = bps == 0 ? start : start + std::chrono::nanoseconds(bits * 1'000'000'000ULL / bps);
    }
    if (*d.front_sent > now) return;
    d.free_at = *d.front_sent;
    d.front_sent.reset();
    d.queued_bytes -= front.bytes.size();
    front.at = d.free_at + delay;
    d.in_flight.push_back(std::move(front));
    d.queue.pop_front();
  }
}

}  // namespace

void emulated_link::carry() {
  direction to_b{fd_b_}, to_a{fd_a_};
  std::mt19937_64 random(std::random_device{}());
  std::bernoulli_distribution lost(imp_.loss);
  std::vector<std::uint8_t> buffer(65536);
  // A few packets at a time from each side, so that a flood from one cannot hold
  // back the packets due on the other or the serializers' timing.
  constexpr int reads_per_wakeup = 64;

  for (;;) {
    auto now = clock::now();
    std::optional<clock::time_point> next;
    for (auto* d : {&to_b, &to_a}) {
      serialize(*d, now, rate_, imp_.delay);
      while (!d->in_flight.empty() && d->in_flight.front().at <= now) {
        // A write to an interface that is down fails: the packet is lost, as on a cut cable.
        const auto& bytes = d->in_flight.front().bytes;
        [[maybe_unused]] const auto n = ::write(d->out_fd, bytes.data(), bytes.size());
        d->in_flight.pop_front();
      }
      if (d->front_sent) next = std::min(next.value_or(*d->front_sent), *d->front_sent);
      if (!d->in_flight.empty()) next = std::min(next.value_or(d->in_flight.front().at), d->in_flight.front().at);
    }
    // Nanoseconds: at 2 Mbit/s a full-size packet takes 6 ms, which poll's milliseconds would round up.
    timespec wait{};
    if (next) {
      const auto ns = std::max<std::int64_t>(0, std::chrono::nanoseconds(*next - now).count());
      wait = {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    }
    pollfd fds[3] = {{fd_a_, POLLIN, 0}, {fd_b_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    if (::ppoll(fds, 3, next ? &wait : nullptr, nullptr) < 0 && errno != EINTR) return;
    if (fds[2].revents) return;
    now = clock::now();
    for (auto [from, d] : {std::pair{0, &to_b}, std::pair{1, &to_a}}) {
      if (!(fds[from].revents & POLLIN)) continue;
      for (int i = 0; i < reads_per_wakeup; ++i) {
        const auto n = ::read(fds[from].fd, buffer.data(), buffer.size());
        if (n <= 0) break;
        const auto size = static_cast<std::size_t>(n);
        if (lost(random)) {
          ++dropped_;
          continue;
        }
        serialize(*d, now, rate_, imp_.delay);  // what is out by now leaves room
        if (imp_.queue_bytes != 0 && d->queued_bytes + size > imp_.queue_bytes) {
          ++queue_dropped_;
          continue;
        }
        ++carried_;
        d->queue.push_back({now, {buffer.begin(), buffer.begin() + n}});
        d->queued_bytes += size;
        if (d->queued_bytes > max_queue_bytes_.load()) max_queue_bytes_.store(d->queued_bytes);  // the only writer
        serialize(*d, now, rate_, imp_.delay);  // an idle serializer starts on it now
      }
    }
  }
}

}  // namespace test_support
