// What the web server's connections share, held by shared_ptr so a session
// that outlives the web_server object (still unwinding after stop()) never
// touches freed memory.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>

#include "chatnode/listener.hpp"
#include "chatnode/log_throttle.hpp"
#include "chatnode/net.hpp"
#include "chatnode/web/backend.hpp"
#include "chatnode/web/client_registry.hpp"
#include "chatnode/web/connection_slots.hpp"
#include "chatnode/web/request_guard.hpp"
#include "chatnode/web/web_server.hpp"

namespace chatnode::web {

struct server_state {
  server_state(net::io_context& ioc, backend& b, web_config c, std::size_t max_connections)
      : ioc(ioc),
        app(b),
        cfg(std::move(c)),
        slots(std::make_shared<connection_slots>(max_connections, cfg.max_connections_per_address)),
        accept_strand(net::make_strand(ioc)) {}

  net::io_context& ioc;
  backend& app;
  web_config cfg;
  guard_config guard;
  client_registry clients;
  std::shared_ptr<connection_slots> slots;
  std::optional<chatnode::listener> listener;  ///< bound by web_server; touched only on accept_strand once started
  net::strand<net::io_context::executor_type> accept_strand;
  std::atomic<bool> stopped{false};
  log_throttle refusal_log;  ///< refused connections, one line a second; accept_strand only

  /// Reports an unexpected failure through cfg.log, or on stderr.
  void log(std::string_view what) const;
};

/// The completion of one of the web layer's coroutines: says "WHAT failed:
/// REASON" through the state's log when it ended in an exception.
struct log_failure {
  std::shared_ptr<server_state> state;
  const char* what;
  void operator()(const std::exception_ptr& e) const;
};

}  // namespace chatnode::web
