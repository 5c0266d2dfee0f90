// The listening socket and its accept loop. Every accepted connection gets a
// strand of its own, chosen at accept, on which its session then runs.
#pragma once

#include <functional>

#include "chatnode/endpoint.hpp"
#include "chatnode/net.hpp"

namespace chatnode {

class listener {
 public:
  /// Binds at once. An empty host means every interface, IPv6 and IPv4 on one
  /// dual-stack socket where the system has IPv6. Throws std::runtime_error
  /// naming the address and the reason (port in use, no such address).
  listener(net::io_context& ioc, const host_port& where);

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  /// Accepts until close(); each connection goes to `on_accept`. Call on one strand with close().
  awaitable<void> accept_loop(std::function<void(tcp::socket)> on_accept);
  void close();

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace chatnode
