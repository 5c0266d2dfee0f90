// What a page's connection runs on, plain HTTP or HTTPS (--tls), as one type.
// The web sessions and Beast's HTTP and WebSocket code over them are then
// compiled once, not once per stream: reads and writes reach the TCP or TLS
// stream through one non-template call each (page_stream.cpp), the handler
// type-erased (any_completion_handler keeps its cancellation slot, and its
// executor is bound again below). A call costs a branch and an allocation for
// the handler.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <variant>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "chatnode/net.hpp"

namespace chatnode::web {

class page_stream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  /// Plain TCP.
  explicit page_stream(boost::beast::tcp_stream tcp);
  /// TLS over TCP; the TLS handshake is async_handshake's.
  explicit page_stream(tls_stream tls);

  executor_type get_executor() noexcept;
  /// The TCP stream under either, for Beast's get_lowest_layer (timeouts, close).
  boost::beast::tcp_stream& next_layer() noexcept;
  bool encrypted() const noexcept { return std::holds_alternative<tls_stream>(stream_); }
  /// The TLS connection's OpenSSL handle (certificate checks); null when plain.
  SSL* native_handle() noexcept;

  /// A stream operation's buffers, type-erased: the first `max_buffers` of a
  /// sequence, which read_some and write_some may transfer only part of anyway.
  static constexpr std::size_t max_buffers = 16;
  template <class Buffer>
  struct buffer_list {
    using value_type = Buffer;
    using const_iterator = const Buffer*;
    std::array<Buffer, max_buffers> items{};
    std::size_t count = 0;
    const Buffer* begin() const noexcept { return items.data(); }
    const Buffer* end() const noexcept { return items.data() + count; }
  };
  using transfer_handler = net::any_completion_handler<void(error_code, std::size_t)>;
  using done_handler = net::any_completion_handler<void(error_code)>;

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return net::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const buffer_list<net::mutable_buffer>& b) {
          const auto ex = executor_of(handler);
          start_read(b, ex, transfer_handler(std::move(handler)));
        },
        token, list_of<net::mutable_buffer>(buffers));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return net::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const buffer_list<net::const_buffer>& b) {
          const auto ex = executor_of(handler);
          start_write(b, ex, transfer_handler(std::move(handler)));
        },
        token, list_of<net::const_buffer>(buffers));
  }

  /// The TLS handshake in `type`'s role; only for an encrypted stream.
  template <class Token>
  auto async_handshake(net::ssl::stream_base::handshake_type type, Token&& token) {
    return net::async_initiate<Token, void(error_code)>(
        [this](auto handler, net::ssl::stream_base::handshake_type t) {
          const auto ex = executor_of(handler);
          start_handshake(t, ex, done_handler(std::move(handler)));
        },
        token, type);
  }

  /// The WebSocket close's end of the connection (TLS close_notify, then TCP),
  /// found by Beast through argument-dependent lookup.
  template <class Handler>
  friend void async_teardown(boost::beast::role_type role, page_stream& s, Handler&& handler) {
    const auto ex = s.executor_of(handler);
    s.start_teardown(role, ex, done_handler(std::forward<Handler>(handler)));
  }
  friend void teardown(boost::beast::role_type role, page_stream& s, error_code& ec);

 private:
  template <class Buffer, class Buffers>
  static buffer_list<Buffer> list_of(const Buffers& buffers) {
    buffer_list<Buffer> list;
    for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers); ++it) {
      if (list.count == max_buffers) break;
      list.items[list.count++] = Buffer(*it);
    }
    return list;
  }

  /// Where `handler` completes, as an I/O executor. Asio 1.26's
  /// any_completion_handler has an executor that cannot be posted to, so the
  /// erased handler is bound to this one again below the erasure.
  template <class Handler>
  executor_type executor_of(const Handler& handler) {
    return net::get_associated_executor(handler, get_executor());
  }

  void start_read(const buffer_list<net::mutable_buffer>& buffers, const executor_type& ex, transfer_handler handler);
  void start_write(const buffer_list<net::const_buffer>& buffers, const executor_type& ex, transfer_handler handler);
  void start_handshake(net::ssl::stream_base::handshake_type type, const executor_type& ex, done_handler handler);
  void start_teardown(boost::beast::role_type role, const executor_type& ex, done_handler handler);

  std::variant<boost::beast::tcp_stream, tls_stream> stream_;
};

}  // namespace chatnode::web
