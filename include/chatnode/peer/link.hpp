// A connection's byte stream as a session sees it: plain TCP, or TLS over TCP.
// Reads, writes and closing go through here, so a session is the same code
// either way; the TLS handshake is done before the link is handed over.
#pragma once

#include <memory>
#include <tuple>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "chatnode/net.hpp"

namespace chatnode::peer {

class link {
 public:
  using tls_stream = net::ssl::stream<tcp::socket>;

  explicit link(tcp::socket socket) : plain_(std::make_unique<tcp::socket>(std::move(socket))) {}
  explicit link(std::unique_ptr<tls_stream> tls) : tls_(std::move(tls)) {}

  tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
  const tcp::socket& socket() const { return tls_ ? tls_->next_layer() : *plain_; }

  template <class MutableBuffers>
  awaitable<std::tuple<error_code, std::size_t>> read_some(const MutableBuffers& buffers) {
    if (!tls_) co_return co_await plain_->async_read_some(buffers, use_nothrow);
    auto [ec, n] = co_await tls_->async_read_some(buffers, use_nothrow);
    // The protocol ends with its own bye, so a close without TLS close_notify
    // cannot cut a message short unnoticed: it is the end of the stream.
    if (ec == net::ssl::error::stream_truncated) ec = net::error::eof;
    co_return std::tuple{ec, n};
  }

  template <class ConstBuffers>
  awaitable<std::tuple<error_code, std::size_t>> write(const ConstBuffers& buffers) {
    if (tls_) co_return co_await net::async_write(*tls_, buffers, use_nothrow);
    co_return co_await net::async_write(*plain_, buffers, use_nothrow);
  }

 private:
  std::unique_ptr<tcp::socket> plain_;
  std::unique_ptr<tls_stream> tls_;
};

}  // namespace chatnode::peer
