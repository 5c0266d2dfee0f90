#include "support/emulated_link.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

emulated_link::emulated_link(impairment imp) : imp_(imp) {
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

void emulated_link::carry() {
  struct packet {
    clock::time_point due;
    std::vector<std::uint8_t> bytes;
  };
  // One queue per direction: with a fixed delay, packets fall due in arrival order.
  std::deque<packet> to_b, to_a;
  std::mt19937_64 random(std::random_device{}());
  std::bernoulli_distribution lost(imp_.loss);
  std::vector<std::uint8_t> buffer(65536);

  for (;;) {
    auto now = clock::now();
    for (auto [queue, fd] : {std::pair{&to_b, fd_b_}, std::pair{&to_a, fd_a_}}) {
      while (!queue->empty() && queue->front().due <= now) {
        // A write to an interface that is down fails: the packet is lost, as on a cut cable.
        [[maybe_unused]] const auto n = ::write(fd, queue->front().bytes.data(), queue->front().bytes.size());
        queue->pop_front();
      }
    }
    int timeout_ms = -1;
    for (auto* queue : {&to_b, &to_a})
      if (!queue->empty()) {
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(queue->front().due - now).count();
        timeout_ms = timeout_ms < 0 ? static_cast<int>(wait) : std::min(timeout_ms, static_cast<int>(wait));
      }
    pollfd fds[3] = {{fd_a_, POLLIN, 0}, {fd_b_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    if (::poll(fds, 3, timeout_ms) < 0 && errno != EINTR) return;
    if (fds[2].revents) return;
    now = clock::now();
    for (auto [from, queue] : {std::pair{0, &to_b}, std::pair{1, &to_a}}) {
      if (!(fds[from].revents & POLLIN)) continue;
      // Drain what is there: a burst must not wait for the next poll.
      for (;;) {
        const auto n = ::read(fds[from].fd, buffer.data(), buffer.size());
        if (n <= 0) break;
        if (lost(random)) {
          ++dropped_;
          continue;
        }
        ++carried_;
        queue->push_back({now + imp_.delay, {buffer.begin(), buffer.begin() + n}});
      }
    }
  }
}

}  // namespace test_support
