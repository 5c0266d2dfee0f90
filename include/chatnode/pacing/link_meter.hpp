// One connection's sending side, measured from its kernel socket's readings
// (pacing/tcp_probe.hpp): the rate the link carries and how long a byte
// written now waits before it is on its way. Pure: the caller reads the socket
// and gives the time, so the rules are tested without a network.
//
// The rate is what the peer acknowledged over the last second (TCP_INFO's
// bytes_acked), not the kernel's per-packet delivery-rate samples: over a
// short round trip those see a token bucket's burst and report a 2 Mbit/s
// link as hundreds. While we send less than the link carries, that is what we
// send, a lower bound; while a queue grows, the link is busy and it is exact.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

#include "chatnode/pacing/tcp_probe.hpp"

#include "chatnode/pacing/socket_setting.hpp"

namespace chatnode::pacing {

class link_meter {
 public:
  using clock = std::chrono::steady_clock;

  /// What the peer acknowledged over this long is the link's rate.
  static constexpr std::chrono::milliseconds rate_window{1000};
  /// A receiver may hold its acknowledgement (Linux, up to 40 ms), which the
  /// smoothed round trip carries in part: that much above its least is not yet a queue.
  static constexpr std::chrono::milliseconds delayed_ack{20};

  /// A reading of the socket, taken at `now`.
  void observe(const tcp_reading& r, clock::time_point now);

  /// Bytes a second acknowledged over the last `window`; 0 until a tenth of it is measured.
  double rate(std::chrono::milliseconds window = rate_window) const;
  /// How long a byte written now waits: the unsent bytes ahead of it in our
  /// kernel at `rate` bytes a second, then the network's queue.
  std::chrono::microseconds queue_delay(double rate) const { return unsent_delay(rate) + network_delay(rate); }
  /// The first part of it: the unsent bytes ahead in our kernel, at `rate` bytes a second.
  std::chrono::microseconds unsent_delay(double rate) const;
  std::chrono::microseconds queue_delay() const { return queue_delay(rate()); }
  /// The network's part of it: the smoothed round trip above its least, less a
  /// delayed ACK; but never more than our bytes in flight take at `rate`. The
  /// smoothed round trip only moves as acknowledgements come, so after a burst
  /// it stays high on an idle link; what is no longer in flight queues nowhere.
  std::chrono::microseconds network_delay(double rate) const;
  std::chrono::microseconds least_rtt() const { return std::chrono::microseconds(last_.min_rtt_us); }

  /// What may wait unsent in the kernel (TCP_NOTSENT_LOWAT) at `rate`: about 10 ms of it, within 4..128 KiB.
  static std::size_t unsent_limit(double rate);
  /// The limit to set now, when it has moved by more than a quarter since the
  /// last one set (each change wakes the socket's writers); then it counts as set.
  std::optional<std::size_t> unsent_limit_change(double rate);

 private:
  struct acked_at {
    clock::time_point at;
    std::uint64_t bytes;
  };
  std::deque<acked_at> acked_;  ///< of the last rate_window, oldest first
  clock::time_point last_at_{};
  tcp_reading last_;
  socket_setting unsent_limit_set_{1, 4};  ///< changed when the limit moves by a quarter
};

}  // namespace chatnode::pacing
