// Two network namespaces joined by a link this test process carries itself: a
// TUN device in each, and a thread that moves every IP packet from one to the
// other. Each direction is a home router's rate-limited uplink: a packet may be
// lost at random, then waits in the router's drop-tail buffer (one that does not
// fit is dropped), is sent at the link's rate, one after another, and arrives a
// fixed delay later; what `tc tbf rate R limit L` with `tc netem delay D loss P`
// would do, without the kernel modules those need, which are not everywhere.
// Taking an interface down with `ip link` cuts the link for real. Needs root,
// /dev/net/tun and iproute2.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

class emulated_link {
 public:
  struct impairment {
    std::chrono::milliseconds delay{0};  ///< added to every packet after it is sent, each direction
    double loss = 0;                     ///< probability that a packet is dropped, each direction
    std::uint64_t rate_bps = 0;          ///< bits per second, each direction; 0: no limit, sent at once
    std::size_t queue_bytes = 0;         ///< the router's drop-tail buffer, each direction; 0: unbounded
  };
  /// Why this machine cannot run the link, or nothing when it can.
  static std::optional<std::string> unavailable();

  /// Namespaces "<prefix>a" and "<prefix>b" with 10.204.0.1 and 10.204.0.2.
  explicit emulated_link(impairment imp);
  ~emulated_link();
  emulated_link(const emulated_link&) = delete;
  emulated_link& operator=(const emulated_link&) = delete;

  static constexpr const char* address_a = "10.204.0.1";
  static constexpr const char* address_b = "10.204.0.2";

  /// `argv` run inside side A or B (ip netns exec keeps the pid: signals reach the program).
  std::vector<std::string> in_a(const std::vector<std::string>& argv) const { return in(ns_a_, argv); }
  std::vector<std::string> in_b(const std::vector<std::string>& argv) const { return in(ns_b_, argv); }
  /// Brings side A's interface down (nothing crosses) or up again.
  void set_up(bool up);

  /// Both directions' rate from now on (0: no limit); a packet already being sent keeps its rate.
  void set_rate(std::uint64_t bps) { rate_.store(bps); }
  std::uint64_t rate() const { return rate_.load(); }

  // Every IP packet either way is counted once, when it reaches the link, in exactly one of:
  /// taken into a router queue (it then arrives, unless the interface it goes out of is down);
  std::uint64_t packets_carried() const { return carried_.load(); }
  /// lost at random (`loss`);
  std::uint64_t packets_dropped() const { return dropped_.load(); }
  /// dropped because it did not fit in the router queue (`queue_bytes`).
  std::uint64_t packets_queue_dropped() const { return queue_dropped_.load(); }
  /// The most bytes a router queue held, the packet being sent included, either direction.
  std::size_t max_queue_bytes() const { return max_queue_bytes_.load(); }

 private:
  static std::vector<std::string> in(const std::string& ns, const std::vector<std::string>& argv);
  void carry();
  /// Stops the carrier and deletes what was made; safe on a half-made link.
  void teardown();

  impairment imp_;
  std::string ns_a_, ns_b_, tun_a_, tun_b_;
  int fd_a_ = -1, fd_b_ = -1, stop_[2] = {-1, -1};
  std::atomic<std::uint64_t> rate_;
  std::atomic<std::uint64_t> carried_{0}, dropped_{0}, queue_dropped_{0};
  std::atomic<std::size_t> max_queue_bytes_{0};
  std::thread carrier_;
};

}  // namespace test_support
