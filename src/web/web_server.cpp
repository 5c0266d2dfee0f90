#include "chatnode/web/web_server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "chatnode/endpoint.hpp"
#include "chatnode/interfaces.hpp"
#include "chatnode/web/http_session.hpp"
#include "chatnode/web/server_state.hpp"

namespace chatnode::web {

void log_failure::operator()(const std::exception_ptr& e) const {
  if (e) state->log(std::string(what) + " failed: " + what_failed(e));
}

void server_state::log(std::string_view what) const {
  if (cfg.log) return cfg.log(what);
  std::fprintf(stderr, "chat_node: web: %.*s\n", static_cast<int>(what.size()), what.data());
}

namespace {

/// cfg's limit, within half of the files this process may open.
std::size_t connection_limit(const web_config& cfg) {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return cfg.max_connections;
  return std::min<std::size_t>(cfg.max_connections, std::max<std::size_t>(16, files.rlim_cur / 2));
}

}  // namespace

web_server::web_server(net::io_context& ioc, const host_port& where, backend& b, const web_config& cfg)
    : state_(std::make_shared<server_state>(ioc, b, cfg, connection_limit(cfg))) {
  try {
    state_->listener.emplace(ioc, where);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("web page: ") + e.what());
  }
  endpoint_ = state_->listener->local_endpoint();
  auto names = state_->cfg.host_names;
  // The name the node was told to bind is one it is reached by.
  if (!where.host.empty()) names.push_back(where.host);
  const auto addr = endpoint_.address();
  std::vector<std::string> own;
  if (addr.is_unspecified())
    for (const auto& a : own_addresses()) own.push_back(a.address);
  state_->guard = make_guard_config(addr, endpoint_.port(), names, own, state_->cfg.token);
  state_->guard.https = state_->cfg.tls != nullptr;
}

web_server::~web_server() {
  // Only posting can fail (no memory): a destructor then has nothing better to do.
  try {
    stop();
  } catch (...) {
  }
}

std::size_t web_server::connections() const { return state_->clients.size(); }

bool web_server::shows(int peer) const { return state_->clients.any_shows(peer); }

void web_server::start() {
  auto serve = [s = state_](tcp::socket socket) {
    error_code ec;
    const auto from = socket.remote_endpoint(ec).address();
    if (ec) return;  // already gone
    auto slot = s->slots->take(from);
    if (!slot) {
      // Closed as it leaves this scope.
      if (s->refusal_log.allow(std::chrono::steady_clock::now())) {
        s->log("refused a connection from " + unmapped(from).to_string() + ": " + std::to_string(s->slots->open()) +
               " open, the limit is " + std::to_string(s->slots->total()) + " in all and " +
               std::to_string(s->cfg.max_connections_per_address) +
               " from one address (further refusals this second are not logged)");
      }
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);  // small events must not wait behind Nagle
    beast::tcp_stream tcp(std::move(socket));
    http_session::start(
        s->cfg.tls ? page_stream(page_stream::tls_stream(std::move(tcp), *s->cfg.tls)) : page_stream(std::move(tcp)),
        std::move(slot), s);
  };
  // The callback's reference keeps the state, and so the listener, alive while the loop runs.
  net::co_spawn(state_->accept_strand, state_->listener->accept_loop(std::move(serve)),
                log_failure{state_, "accept loop"});
}

void web_server::stop() {
  if (state_->stopped.exchange(true)) return;
  // The listener belongs to the accept loop's strand.
  net::post(state_->accept_strand, [s = state_] { s->listener->close(); });
  state_->clients.stop_all();
}

void web_server::publish(std::string json_event) {
  if (state_->stopped.load(std::memory_order_relaxed)) return;
  // One immutable buffer shared by every page (Beast chat's broadcast).
  const auto event = std::make_shared<const std::string>(std::move(json_event));
  state_->clients.for_each([&](client& c) { c.deliver(event); });
}

void web_server::publish_frame(int peer, video::frame_ptr f) {
  if (peer < 0 || !f || state_->stopped.load(std::memory_order_relaxed)) return;
  state_->clients.for_each([&](client& c) { c.deliver_frame(peer, f); });
}

}  // namespace chatnode::web
