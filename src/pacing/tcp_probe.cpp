#include "chatnode/pacing/tcp_probe.hpp"

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace chatnode::pacing {

tcp_reading read_tcp(int fd) {
  tcp_reading r;
  tcp_info info{};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return r;
  // Older kernels fill a shorter struct; the fields read below came with 4.6.
  if (len < offsetof(tcp_info, tcpi_min_rtt) + sizeof info.tcpi_min_rtt) return r;
  int outq = 0;  // unacknowledged plus unsent bytes
  if (::ioctl(fd, SIOCOUTQ, &outq) != 0) outq = 0;
  r.valid = true;
  r.bytes_acked = info.tcpi_bytes_acked;
  r.rtt_us = info.tcpi_rtt;
  r.min_rtt_us = info.tcpi_min_rtt;
  r.unsent_bytes = info.tcpi_notsent_bytes;
  const auto queued = static_cast<std::uint32_t>(outq > 0 ? outq : 0);
  r.in_flight_bytes = queued > r.unsent_bytes ? queued - r.unsent_bytes : 0;
  return r;
}

bool limit_unsent(int fd, std::size_t bytes) {
  const int value = static_cast<int>(bytes);
  return ::setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &value, sizeof value) == 0;
}

bool limit_pacing(int fd, std::uint64_t bytes_per_second) {
  const std::uint64_t value = bytes_per_second == 0 ? ~std::uint64_t{0} : bytes_per_second;
  return ::setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &value, sizeof value) == 0;
}

}  // namespace chatnode::pacing
