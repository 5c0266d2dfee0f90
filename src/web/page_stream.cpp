// The one place where the TCP and TLS streams' own operations are instantiated
// for the web layer.
#include "chatnode/web/page_stream.hpp"

#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace chatnode::web {

page_stream::page_stream(boost::beast::tcp_stream tcp) : stream_(std::move(tcp)) {}

page_stream::page_stream(tls_stream tls) : stream_(std::move(tls)) {}

page_stream::executor_type page_stream::get_executor() noexcept { return next_layer().get_executor(); }

boost::beast::tcp_stream& page_stream::next_layer() noexcept {
  if (auto* tls = std::get_if<tls_stream>(&stream_)) return tls->next_layer();
  return *std::get_if<boost::beast::tcp_stream>(&stream_);  // one of the two, always
}

SSL* page_stream::native_handle() noexcept {
  auto* tls = std::get_if<tls_stream>(&stream_);
  return tls ? tls->native_handle() : nullptr;
}

void page_stream::start_read(const buffer_list<net::mutable_buffer>& buffers, const executor_type& ex,
                             transfer_handler handler) {
  std::visit([&](auto& s) { s.async_read_some(buffers, net::bind_executor(ex, std::move(handler))); }, stream_);
}

void page_stream::start_write(const buffer_list<net::const_buffer>& buffers, const executor_type& ex,
                              transfer_handler handler) {
  std::visit([&](auto& s) { s.async_write_some(buffers, net::bind_executor(ex, std::move(handler))); }, stream_);
}

void page_stream::start_handshake(net::ssl::stream_base::handshake_type type, const executor_type& ex,
                                  done_handler handler) {
  if (auto* tls = std::get_if<tls_stream>(&stream_))
    return tls->async_handshake(type, net::bind_executor(ex, std::move(handler)));
  // Not for a plain stream; completed as an operation would be, never inline.
  net::post(ex,
            [h = std::move(handler)]() mutable { std::move(h)(make_error_code(net::error::operation_not_supported)); });
}

void page_stream::start_teardown(boost::beast::role_type role, const executor_type& ex, done_handler handler) {
  using boost::beast::websocket::async_teardown;
  std::visit([&](auto& s) { async_teardown(role, s, net::bind_executor(ex, std::move(handler))); }, stream_);
}

void teardown(boost::beast::role_type role, page_stream& s, error_code& ec) {
  using boost::beast::websocket::teardown;
  std::visit([&](auto& stream) { teardown(role, stream, ec); }, s.stream_);
}

}  // namespace chatnode::web
