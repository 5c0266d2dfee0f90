// Two network namespaces joined by a link this test process carries itself:
// a TUN device in each, and a thread that moves every IP packet from one to the
// other after a fixed delay, dropping each with a given probability, as tc
// netem does (whose kernel module is not everywhere). Taking an interface down
// with `ip link` cuts the link for real. Needs root, /dev/net/tun and iproute2.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

class emulated_link {
 public:
  struct impairment {
    std::chrono::milliseconds delay{0};  ///< added to every packet, each direction
    double loss = 0;                     ///< probability that a packet is dropped, each direction
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

  std::uint64_t packets_carried() const { return carried_.load(); }
  std::uint64_t packets_dropped() const { return dropped_.load(); }

 private:
  static std::vector<std::string> in(const std::string& ns, const std::vector<std::string>& argv);
  void carry();
  /// Stops the carrier and deletes what was made; safe on a half-made link.
  void teardown();

  impairment imp_;
  std::string ns_a_, ns_b_, tun_a_, tun_b_;
  int fd_a_ = -1, fd_b_ = -1, stop_[2] = {-1, -1};
  std::atomic<std::uint64_t> carried_{0}, dropped_{0};
  std::thread carrier_;
};

}  // namespace test_support
