// Resolves a name and connects, asynchronously, with a bound on the whole attempt.
#pragma once

#include <chrono>

#include "chatnode/endpoint.hpp"
#include "chatnode/net.hpp"

namespace chatnode::peer {

struct connect_result {
  error_code error;    ///< set when the attempt failed
  std::string what;    ///< "name not found", "connect": the step that failed
  tcp::socket socket;  ///< connected, bound to a strand of its own
};

/// Resolves `target` and tries each address in turn. Runs on the caller's
/// strand; cancel it with cancel(), from that strand.
class connector {
 public:
  explicit connector(net::io_context& ioc) : ioc_(ioc), resolver_(ioc) {}

  awaitable<connect_result> connect(const host_port& target, std::chrono::milliseconds timeout);
  void cancel();

 private:
  net::io_context& ioc_;
  tcp::resolver resolver_;
  tcp::socket* connecting_ = nullptr;
  net::steady_timer* deadline_ = nullptr;
};

}  // namespace chatnode::peer
