// What the kernel says about one TCP connection's sending side: how fast it
// delivers, how long its packets take, and how much still waits in the socket.
// Kept apart from Asio: <linux/tcp.h>, which has the fields needed, clashes
// with the <netinet/tcp.h> that Asio includes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatnode::pacing {

struct tcp_reading {
  bool valid = false;                 ///< false: not a TCP socket, or the kernel said nothing
  std::uint64_t bytes_acked = 0;      ///< delivered to the peer since the connection began
  std::uint32_t rtt_us = 0;           ///< smoothed round trip
  std::uint32_t min_rtt_us = 0;       ///< the least round trip of the last minutes: the path without queues
  std::uint32_t unsent_bytes = 0;     ///< written by us, not yet sent by the kernel
  std::uint32_t in_flight_bytes = 0;  ///< sent, not yet acknowledged
};

/// Reads TCP_INFO and SIOCOUTQ of the socket `fd`.
tcp_reading read_tcp(int fd);

/// Caps what may wait unsent in the kernel (TCP_NOTSENT_LOWAT): a write takes
/// no more once that much is waiting, so what we send next is never queued
/// behind seconds of older bytes. False when the kernel refused it.
bool limit_unsent(int fd, std::size_t bytes);

/// Caps the rate at which the kernel sends (SO_MAX_PACING_RATE, which turns
/// on TCP's own pacing), in bytes a second; 0 lifts the cap. A frame written
/// at once then leaves no faster than the link takes it: with the unsent
/// limit, the rest of it waits with us, where a text written after it goes
/// ahead, rather than in the network's queue. False when the kernel refused it.
bool limit_pacing(int fd, std::uint64_t bytes_per_second);

}  // namespace chatnode::pacing
