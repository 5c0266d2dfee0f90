// Asio/Beast aliases and the Boost 1.81 spellings used throughout chat_node.
#pragma once

#include <exception>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>

namespace chatnode {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

template <class T = void>
using awaitable = net::awaitable<T>;

/// Completion token that reports errors as values: `auto [ec, n] = co_await ...`.
/// Peer-caused conditions must not throw inside `||` (an operand that throws
/// leaves the other one running), so every socket operation uses this.
constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

/// Whether the calling coroutine has been cancelled (by `||`, or a cancellation slot).
/// GCC 12 miscompiles a co_await used directly as an if condition in some
/// coroutines (they resume with a corrupt frame), so callers store the result
/// first: `const bool stop = co_await cancelled(); if (stop) ...`.
inline awaitable<bool> cancelled() {
  const auto state = co_await net::this_coro::cancellation_state;
  co_return state.cancelled() != net::cancellation_type::none;
}

/// What a spawned coroutine's exception says, for a log line; empty without one.
inline std::string what_failed(const std::exception_ptr& e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

/// A loop's sleep: waits on `t` until it expires or someone cancels it to wake
/// the loop (new work, a changed deadline), then says whether the calling
/// coroutine itself was cancelled meanwhile. `const bool stop = co_await
/// cancelled_after(wake_);`, stored first as for cancelled().
inline awaitable<bool> cancelled_after(net::steady_timer& t) {
  co_await t.async_wait(use_nothrow);
  const bool stop = co_await cancelled();
  co_return stop;
}

}  // namespace chatnode
