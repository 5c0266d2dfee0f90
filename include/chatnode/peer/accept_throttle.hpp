// Which accepted connections go on to admission: every one from this machine
// (local tools and tests connect in bursts, and are trusted as on the web page),
// and from elsewhere as many as connection_rate_limit allows, with at most one
// line a second about those refused so that a flood cannot fill the log.
#pragma once

#include <functional>
#include <string>

#include "chatnode/log_throttle.hpp"
#include "chatnode/net.hpp"
#include "chatnode/peer/connection_rate_limit.hpp"

namespace chatnode::peer {

class accept_throttle {
 public:
  /// `per_second` new connections per source on average, `burst` at once.
  accept_throttle(double per_second, double burst, std::function<void(const std::string&)> log)
      : limit_(per_second, burst), log_(std::move(log)) {}

  /// Whether `socket` may go on. Call on one strand.
  bool allow(const tcp::socket& socket);

 private:
  connection_rate_limit limit_;
  log_throttle refusals_;
  std::function<void(const std::string&)> log_;
};

}  // namespace chatnode::peer
