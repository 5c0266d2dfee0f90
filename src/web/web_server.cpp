#include "chatnode/web/web_server.hpp"

#include <cstdio>
#include <stdexcept>

#include "chatnode/interfaces.hpp"
#include "chatnode/web/http_session.hpp"
#include "chatnode/web/server_state.hpp"

namespace chatnode::web {

void server_state::log(std::string_view what) const {
  if (cfg.log) return cfg.log(what);
  std::fprintf(stderr, "chat_node: web: %.*s\n", static_cast<int>(what.size()), what.data());
}

web_server::web_server(net::io_context& ioc, const host_port& where, backend& b, web_config cfg)
    : state_(std::make_shared<server_state>(ioc, b, std::move(cfg))) {
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

web_server::~web_server() { stop(); }

std::size_t web_server::connections() const { return state_->clients.size(); }

void web_server::start() {
  auto serve = [s = state_](tcp::socket socket) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small events must not wait behind Nagle
    if (s->cfg.tls)
      http_session<tls_stream>::start(tls_stream(std::move(socket), *s->cfg.tls), s);
    else
      http_session<plain_stream>::start(plain_stream(std::move(socket)), s);
  };
  // The callback's reference keeps the state, and so the listener, alive while the loop runs.
  net::co_spawn(state_->accept_strand, state_->listener->accept_loop(std::move(serve)), [s = state_](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      s->log(std::string("accept loop failed: ") + ex.what());
    }
  });
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
