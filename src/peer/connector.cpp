#include "chatnode/peer/connector.hpp"

#include <boost/asio/connect.hpp>

namespace chatnode::peer {

awaitable<connect_result> connector::connect(const host_port& target, std::chrono::milliseconds timeout) {
  using namespace net::experimental::awaitable_operators;
  connect_result r{{}, {}, tcp::socket(net::make_strand(ioc_))};

  auto [rec, endpoints] = co_await resolver_.async_resolve(target.host, std::to_string(target.port), use_nothrow);
  if (rec) {
    r.error = rec;
    r.what = "cannot resolve " + target.host;
    co_return r;
  }

  net::steady_timer deadline(co_await net::this_coro::executor, timeout);
  connecting_ = &r.socket;
  deadline_ = &deadline;
  auto outcome = co_await (net::async_connect(r.socket, endpoints, use_nothrow) || deadline.async_wait(use_nothrow));
  connecting_ = nullptr;
  deadline_ = nullptr;

  if (outcome.index() == 1) {
    const auto [tec] = std::get<1>(outcome);
    r.error = tec ? tec : make_error_code(net::error::timed_out);
  } else {
    const auto& [cec, ep] = std::get<0>(outcome);
    r.error = cec;
  }
  if (r.error) r.what = "cannot connect to " + format_host_port(target);
  co_return r;
}

void connector::cancel() {
  resolver_.cancel();
  error_code ignored;
  if (connecting_) connecting_->close(ignored);
  if (deadline_) deadline_->cancel();
}

}  // namespace chatnode::peer
