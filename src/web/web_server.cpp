#include "chatnode/web/web_server.hpp"

#include <cstdio>
#include <stdexcept>

#include <boost/asio/ip/v6_only.hpp>

#include "chatnode/interfaces.hpp"
#include "chatnode/web/http_session.hpp"
#include "chatnode/web/server_state.hpp"

namespace chatnode::web {
namespace {

using namespace std::chrono_literals;

// As peer/listener.cpp: one dual-stack socket for "every interface".
void open_and_bind(tcp::acceptor& a, const tcp::endpoint& ep, bool dual_stack) {
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  if (dual_stack) a.set_option(net::ip::v6_only(false));
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
}

void bind(server_state& s, const host_port& where) {
  if (where.host.empty()) {
    try {
      open_and_bind(s.acceptor, {tcp::v6(), where.port}, true);
    } catch (const boost::system::system_error& e) {
      if (e.code() != net::error::address_family_not_supported) throw;
      s.acceptor = tcp::acceptor(s.ioc);
      open_and_bind(s.acceptor, {tcp::v4(), where.port}, false);
    }
    return;
  }
  tcp::resolver resolver(s.ioc);
  const auto results = resolver.resolve(where.host, std::to_string(where.port), tcp::resolver::passive);
  open_and_bind(s.acceptor, results.begin()->endpoint(), false);
}

awaitable<void> accept_loop(std::shared_ptr<server_state> s) {
  net::steady_timer backoff(co_await net::this_coro::executor);
  for (;;) {
    auto [ec, socket] = co_await s->acceptor.async_accept(net::make_strand(s->ioc), use_nothrow);
    if (ec == net::error::operation_aborted || !s->acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or a connection reset before accept: keep serving,
      // but don't spin while the condition lasts.
      backoff.expires_after(100ms);
      co_await backoff.async_wait(use_nothrow);
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small events must not wait behind Nagle
    http_session::start(std::move(socket), s);
  }
}

}  // namespace

void server_state::log(std::string_view what) const {
  if (cfg.log) return cfg.log(what);
  std::fprintf(stderr, "chat_node: web: %.*s\n", static_cast<int>(what.size()), what.data());
}

web_server::web_server(net::io_context& ioc, const host_port& where, backend& b, web_config cfg)
    : state_(std::make_shared<server_state>(ioc, b, std::move(cfg))) {
  const auto label = where.host.empty() ? "port " + std::to_string(where.port) : format_host_port(where);
  try {
    bind(*state_, where);
    endpoint_ = state_->acceptor.local_endpoint();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot serve the web page on " + label + ": " + e.code().message());
  }
  auto names = state_->cfg.host_names;
  // The name the node was told to bind is one it is reached by.
  if (!where.host.empty()) names.push_back(where.host);
  const auto addr = endpoint_.address();
  std::vector<std::string> own;
  if (addr.is_unspecified())
    for (const auto& a : own_addresses()) own.push_back(a.address);
  state_->guard = make_guard_config(addr, endpoint_.port(), names, own, state_->cfg.token);
}

web_server::~web_server() { stop(); }

std::size_t web_server::connections() const { return state_->clients.size(); }

void web_server::start() {
  net::co_spawn(state_->accept_strand, accept_loop(state_), [s = state_](std::exception_ptr e) {
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
  // The acceptor belongs to the accept loop's strand.
  net::post(state_->accept_strand, [s = state_] {
    error_code ignored;
    s->acceptor.close(ignored);
  });
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
