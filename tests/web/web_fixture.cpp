#include "web_fixture.hpp"

#include <opencv2/core.hpp>

#include "chatnode/clock.hpp"
#include "chatnode/security/tls_context.hpp"
#include "chatnode/web/mjpeg_stream.hpp"
#include "support/jpeg_files.hpp"

namespace web_test {

test_server::test_server(web::web_config cfg, int threads) {
  server_.emplace(ioc_, chatnode::host_port{"127.0.0.1", 0}, backend_, std::move(cfg));
  port_ = server_->local_endpoint().port();
  server_->start();
  running_ = threads;
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this] {
      ioc_.run();
      --running_;
    });
}

test_server::~test_server() {
  stop();
  server_.reset();
}

bool test_server::stop(std::chrono::milliseconds limit) {
  if (stopped_) return true;
  stopped_ = true;
  server_->stop();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (running_ > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  const bool in_time = running_ == 0;
  if (!in_time) ioc_.stop();  // don't hang the test run; the test reports the failure
  for (auto& t : threads_) t.join();
  return in_time;
}

namespace {

tcp::endpoint loopback(std::uint16_t port) { return {net::ip::make_address("127.0.0.1"), port}; }

/// Sends `req` on `stream` and reads the response.
awaitable<response> exchange(web::page_stream& stream, http::request<http::string_body> req) {
  co_await http::async_write(stream, req, net::use_awaitable);
  beast::flat_buffer buffer;
  response res;
  co_await http::async_read(stream, buffer, res, net::use_awaitable);
  co_return res;
}

}  // namespace

awaitable<response> http_request(std::uint16_t port, http::verb method, std::string target,
                                 std::vector<std::pair<std::string, std::string>> fields) {
  web::page_stream stream(beast::tcp_stream(co_await net::this_coro::executor));
  co_await stream.next_layer().async_connect(loopback(port), net::use_awaitable);
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : fields) req.set(name, value);
  req.prepare_payload();
  co_return co_await exchange(stream, std::move(req));
}

net::ssl::context& tls_client_context() {
  static net::ssl::context ctx = [] {
    net::ssl::context c(net::ssl::context::tls_client);
    c.set_verify_mode(net::ssl::verify_none);
    return c;
  }();
  return ctx;
}

awaitable<https_response> https_get(std::uint16_t port, std::string target) {
  web::page_stream stream(web::page_stream::tls_stream(co_await net::this_coro::executor, tls_client_context()));
  co_await stream.next_layer().async_connect(loopback(port), net::use_awaitable);
  co_await stream.async_handshake(net::ssl::stream_base::client, net::use_awaitable);
  https_response out;
  out.fingerprint = chatnode::security::peer_fingerprint(stream.native_handle());
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  out.res = co_await exchange(stream, std::move(req));
  co_return out;
}

awaitable<websocket::response_type> ws_connect(ws_stream& ws, std::uint16_t port, std::string host, std::string target,
                                               std::optional<std::string> origin) {
  co_await beast::get_lowest_layer(ws).async_connect(loopback(port), net::use_awaitable);
  if (ws.next_layer().encrypted())
    co_await ws.next_layer().async_handshake(net::ssl::stream_base::client, net::use_awaitable);
  ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    if (origin) req.set(http::field::origin, *origin);
  }));
  ws.read_message_max(64 << 20);
  websocket::response_type res;
  auto [ec] = co_await ws.async_handshake(res, host, target, use_nothrow);
  if (ec && ec != websocket::error::upgrade_declined) throw boost::system::system_error(ec);
  co_return res;
}

awaitable<websocket::response_type> wss_connect(ws_stream& ws, std::uint16_t port, std::string origin) {
  return ws_connect(ws, port, "127.0.0.1:" + std::to_string(port), "/ws", std::move(origin));
}

awaitable<bool> pause(std::chrono::milliseconds d) {
  net::steady_timer t(co_await net::this_coro::executor, d);
  co_await t.async_wait(net::use_awaitable);
  co_return true;
}

awaitable<ws_message> ws_read(ws_stream& ws) {
  beast::flat_buffer buffer;
  ws_message m;
  auto [ec, n] = co_await ws.async_read(buffer, use_nothrow);
  m.ec = ec;
  m.binary = ws.got_binary();
  m.data = beast::buffers_to_string(buffer.data());
  co_return m;
}

awaitable<error_code> ws_write(ws_stream& ws, std::string data, bool binary) {
  ws.binary(binary);
  auto [ec, n] = co_await ws.async_write(net::buffer(data), use_nothrow);
  co_return ec;
}

awaitable<std::string> mjpeg_viewer::open(std::uint16_t port, std::string target) {
  co_await socket.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::use_awaitable);
  const auto req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
  co_await net::async_write(socket, net::buffer(req), net::use_awaitable);
  const auto n = co_await net::async_read_until(socket, net::dynamic_buffer(buffer), "\r\n\r\n", net::use_awaitable);
  auto head = buffer.substr(0, n);
  buffer.erase(0, n);
  co_return head;
}

awaitable<std::string> mjpeg_viewer::part() {
  const auto n = co_await net::async_read_until(socket, net::dynamic_buffer(buffer), "\r\n\r\n", net::use_awaitable);
  const auto head = buffer.substr(0, n);
  buffer.erase(0, n);
  const auto len_at = head.find("Content-Length: ");
  if (!head.starts_with("--" + std::string(web::mjpeg_boundary) + "\r\n") ||
      head.find("Content-Type: image/jpeg\r\n") == std::string::npos || len_at == std::string::npos)
    throw std::runtime_error("not an MJPEG part head: " + head);
  const auto length = std::stoul(head.substr(len_at + 16));
  if (buffer.size() < length + 2)
    co_await net::async_read(socket, net::dynamic_buffer(buffer), net::transfer_at_least(length + 2 - buffer.size()),
                             net::use_awaitable);
  auto jpeg = buffer.substr(0, length);
  if (buffer.substr(length, 2) != "\r\n") throw std::runtime_error("an MJPEG part does not end with CRLF");
  buffer.erase(0, length + 2);
  co_return jpeg;
}

cv::Mat decode_jpeg(const std::string& jpeg) {
  return test_support::decode_jpeg({reinterpret_cast<const std::uint8_t*>(jpeg.data()), jpeg.size()});
}

std::vector<std::uint8_t> make_jpeg(int w, int h, int seed, bool noisy) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(seed * 37 % 256, seed * 91 % 256, seed * 53 % 256));
  if (noisy) {
    cv::RNG rng(static_cast<std::uint64_t>(seed));
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
  }
  return test_support::encode_jpeg(img, 90);
}

chatnode::video::frame_ptr make_frame(std::uint32_t seq, int w, int h, bool noisy) {
  return std::make_shared<const chatnode::video::encoded_frame>(seq, chatnode::wall_us(), w, h, "camera",
                                                                make_jpeg(w, h, static_cast<int>(seq), noisy),
                                                                chatnode::video::stage_times{});
}

}  // namespace web_test
