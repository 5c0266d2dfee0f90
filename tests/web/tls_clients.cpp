// The tests' HTTPS and WSS clients (web_fixture.hpp), apart from the plain ones:
// the TLS stream's templates are the heaviest part of the fixture to compile.
#include "web_fixture.hpp"

#include "chatnode/security/tls_context.hpp"

namespace web_test {

net::ssl::context& tls_client_context() {
  static net::ssl::context ctx = [] {
    net::ssl::context c(net::ssl::context::tls_client);
    c.set_verify_mode(net::ssl::verify_none);
    return c;
  }();
  return ctx;
}

awaitable<https_response> https_get(std::uint16_t port, std::string target) {
  web::tls_stream stream(co_await net::this_coro::executor, tls_client_context());
  co_await beast::get_lowest_layer(stream).async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                                         net::use_awaitable);
  co_await stream.async_handshake(net::ssl::stream_base::client, net::use_awaitable);
  https_response out;
  out.fingerprint = chatnode::security::peer_fingerprint(stream.native_handle());
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  co_await http::async_write(stream, req, net::use_awaitable);
  beast::flat_buffer buffer;
  co_await http::async_read(stream, buffer, out.res, net::use_awaitable);
  co_return out;
}

awaitable<websocket::response_type> wss_connect(tls_ws_stream& ws, std::uint16_t port, std::string origin) {
  co_await beast::get_lowest_layer(ws).async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                                     net::use_awaitable);
  co_await ws.next_layer().async_handshake(net::ssl::stream_base::client, net::use_awaitable);
  ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    req.set(http::field::origin, origin);
  }));
  websocket::response_type res;
  auto [ec] = co_await ws.async_handshake(res, "127.0.0.1:" + std::to_string(port), "/ws", use_nothrow);
  if (ec && ec != websocket::error::upgrade_declined) throw boost::system::system_error(ec);
  co_return res;
}

awaitable<ws_message> ws_read(tls_ws_stream& ws) { return detail::read_message(ws); }

}  // namespace web_test
