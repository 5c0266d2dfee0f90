#include "chatnode/peer/accept_throttle.hpp"

#include "chatnode/endpoint.hpp"

namespace chatnode::peer {

bool accept_throttle::allow(const tcp::socket& socket) {
  error_code ec;
  const auto from = unmapped(socket.remote_endpoint(ec).address());
  if (ec) return false;  // already gone
  if (from.is_loopback()) return true;
  const auto now = std::chrono::steady_clock::now();
  if (limit_.admit(from, now)) return true;
  if (refusals_.allow(now)) {
    log_("refused a connection from " + from.to_string() + ": more than " +
         std::to_string(static_cast<int>(limit_.per_second())) +
         " new connections a second from one source, an IPv4 address or an IPv6 /64"
         " (further refusals this second are not logged)");
  }
  return false;
}

}  // namespace chatnode::peer
