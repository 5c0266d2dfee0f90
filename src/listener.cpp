#include "chatnode/listener.hpp"

#include <stdexcept>

#include <boost/asio/ip/v6_only.hpp>

namespace chatnode {
namespace {

using namespace std::chrono_literals;

void open_and_bind(tcp::acceptor& a, const tcp::endpoint& ep, bool dual_stack) {
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  if (dual_stack) a.set_option(net::ip::v6_only(false));
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
}

}  // namespace

listener::listener(net::io_context& ioc, const host_port& where) : ioc_(ioc), acceptor_(ioc) {
  const auto label = where.host.empty() ? "port " + std::to_string(where.port) : format_host_port(where);
  try {
    if (where.host.empty()) {
      try {
        open_and_bind(acceptor_, {tcp::v6(), where.port}, true);
      } catch (const boost::system::system_error& e) {
        if (e.code() != net::error::address_family_not_supported) throw;
        acceptor_ = tcp::acceptor(ioc_);
        open_and_bind(acceptor_, {tcp::v4(), where.port}, false);
      }
      return;
    }
    tcp::resolver resolver(ioc_);
    const auto results = resolver.resolve(where.host, std::to_string(where.port), tcp::resolver::passive);
    open_and_bind(acceptor_, results.begin()->endpoint(), false);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + label + ": " + e.code().message());
  }
}

awaitable<void> listener::accept_loop(std::function<void(tcp::socket)> on_accept) {
  net::steady_timer backoff(co_await net::this_coro::executor);
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(ioc_), use_nothrow);
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors or a connection reset before accept: keep serving, but
      // don't spin while the condition lasts.
      backoff.expires_after(100ms);
      co_await backoff.async_wait(use_nothrow);
      continue;
    }
    on_accept(std::move(socket));
  }
}

void listener::close() {
  error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace chatnode
