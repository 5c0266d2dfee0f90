#include "chatnode/peer/tls_handshake.hpp"

#include <array>

#include <openssl/ssl.h>
#include <boost/asio/ssl/error.hpp>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/security/tls_context.hpp"

namespace chatnode::peer {

awaitable<tls_handshake_result> tls_handshake(tcp::socket socket, net::ssl::context& ctx, bool server,
                                              std::span<const std::uint8_t> already_read,
                                              std::chrono::milliseconds deadline) {
  using namespace net::experimental::awaitable_operators;
  tls_handshake_result r;
  r.stream = std::make_unique<link::tls_stream>(std::move(socket), ctx);
  net::steady_timer timer(r.stream->get_executor(), deadline);
  const auto type = server ? net::ssl::stream_base::server : net::ssl::stream_base::client;
  auto outcome =
      co_await (r.stream->async_handshake(type, net::buffer(already_read.data(), already_read.size()), use_nothrow) ||
                timer.async_wait(use_nothrow));
  if (outcome.index() == 1) {
    r.failure = "no TLS handshake within " + std::to_string(deadline.count()) + " ms";
  } else if (const auto [ec, used] = std::get<0>(outcome); ec) {
    // A plain peer closes on our ClientHello, or answers it with its own protocol.
    if (ec == net::error::eof || ec == net::ssl::error::stream_truncated || ec == net::error::connection_reset)
      r.failure = "the peer closed the connection during the TLS handshake (is it started with --tls?)";
    else if (ec.category() == net::error::get_ssl_category() &&
             ERR_GET_REASON(ec.value()) == SSL_R_WRONG_VERSION_NUMBER)
      r.failure = "the peer does not speak TLS (is it started with --tls?)";
    else
      r.failure = "TLS handshake failed: " + ec.message();
  } else {
    r.peer_fingerprint = security::peer_fingerprint(r.stream->native_handle());
    if (r.peer_fingerprint.empty()) r.failure = "the peer presented no certificate";
  }
  if (!r.failure.empty()) {
    error_code ignored;
    r.stream->next_layer().close(ignored);
    r.stream.reset();
  }
  co_return r;
}

awaitable<void> refuse_without_tls(tcp::socket& socket) {
  protocol::bytes out(protocol::preamble.begin(), protocol::preamble.end());
  const auto bye = protocol::encode(protocol::bye{
      protocol::bye_reason::tls_required, "this node accepts TLS connections only: start chat_node with --tls"});
  out.insert(out.end(), bye.begin(), bye.end());
  co_await net::async_write(socket, net::buffer(out), use_nothrow);
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  // Closing with the peer's hello unread would reset the connection and could
  // destroy the bye before it is read: wait (briefly) for the peer to close.
  std::array<std::uint8_t, 1024> sink;
  net::steady_timer linger(socket.get_executor(), std::chrono::seconds(2));
  using namespace net::experimental::awaitable_operators;
  for (;;) {
    auto r = co_await (socket.async_read_some(net::buffer(sink), use_nothrow) || linger.async_wait(use_nothrow));
    if (r.index() == 1) break;
    const auto [ec, n] = std::get<0>(r);
    if (ec) break;
  }
  socket.close(ignored);
}

}  // namespace chatnode::peer
