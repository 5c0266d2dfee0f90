// What the web server tests share: a fake backend, a server on 127.0.0.1:0
// run by its own threads, and client coroutines run on a separate io_context
// with a deadline (every wait bounded, as Redis' run_coroutine_test).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/read_until.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <opencv2/core.hpp>

#include "chatnode/video/encoded_frame.hpp"
#include "chatnode/web/beast.hpp"
#include "chatnode/web/web_server.hpp"

namespace web_test {

using namespace std::chrono_literals;
namespace net = chatnode::net;
namespace web = chatnode::web;
namespace beast = web::beast;
namespace http = web::http;
namespace websocket = web::websocket;
using chatnode::awaitable;
using chatnode::error_code;
using chatnode::tcp;
using chatnode::use_nothrow;

class fake_backend final : public web::backend {
 public:
  static constexpr const char* stats = R"({"peers":[{"id":1,"name":"bob","fps":29.5}],"uptime_s":12})";
  static constexpr const char* metrics_text =
      "# HELP chatnode_peers Connected peers.\n# TYPE chatnode_peers gauge\nchatnode_peers 1\n";
  static constexpr const char* state =
      R"({"type":"state","name":"tester","addresses":["127.0.0.1:9999"],"peers":[{"id":1,"name":"bob","address":"127.0.0.1:5555"}]})";

  std::string stats_json() override { return stats; }
  std::string metrics() override { return metrics_text; }
  std::string state_json() override { return state; }
  bool has_video_stream(int stream) override { return stream == 0 || stream == 1; }  // our camera, and bob
  void send_text(std::string body) override { record(texts_, std::move(body)); }
  void connect_to(std::string host_port) override { record(connects_, std::move(host_port)); }

  /// Waits (bounded) until `n` texts arrived; returns them all.
  std::vector<std::string> texts(std::size_t n, std::chrono::milliseconds limit = 5s) { return wait(texts_, n, limit); }
  std::vector<std::string> connects(std::size_t n, std::chrono::milliseconds limit = 5s) {
    return wait(connects_, n, limit);
  }

 private:
  void record(std::vector<std::string>& to, std::string s) {
    std::lock_guard lock(mutex_);
    to.push_back(std::move(s));
    changed_.notify_all();
  }
  std::vector<std::string> wait(std::vector<std::string>& v, std::size_t n, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, limit, [&] { return v.size() >= n; });
    return v;
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> texts_, connects_;
};

/// A web_server on 127.0.0.1, port chosen by the system, run by `threads` threads.
class test_server {
 public:
  explicit test_server(web::web_config cfg = {}, int threads = 2);
  ~test_server();

  std::uint16_t port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string origin() const { return "http://" + host(); }
  web::web_server& server() { return *server_; }
  fake_backend& backend() { return backend_; }

  /// stop(), then waits until every thread's run() has returned; false if that took longer than `limit`.
  bool stop(std::chrono::milliseconds limit = 5s);

 private:
  fake_backend backend_;
  net::io_context ioc_;
  std::optional<web::web_server> server_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<int> running_{0};
  bool stopped_ = false;
};

/// Runs client coroutines on an io_context of their own, each within a deadline
/// (generous: it catches a hang, it does not time anything; sanitizer builds on
/// a loaded machine are slow).
class client_io {
 public:
  net::io_context ctx;

  template <class T>
  T run(awaitable<T> op, std::chrono::milliseconds limit = 30s) {
    // Shared with the completion handler, which may outlive a timed-out call.
    struct outcome {
      bool done = false;
      std::exception_ptr error;
      std::optional<T> value;
    };
    auto out = std::make_shared<outcome>();
    net::co_spawn(ctx, std::move(op), [out](std::exception_ptr e, T v) {
      out->done = true;
      out->error = e;
      if (!e) out->value.emplace(std::move(v));
    });
    ctx.restart();
    // Other work (a read still pending from an earlier step) may remain, so
    // this runs until our operation is done, not until the context is idle.
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!out->done && std::chrono::steady_clock::now() < deadline)
      if (ctx.run_one_until(deadline) == 0) break;
    if (!out->done) throw std::runtime_error("client operation did not finish within its deadline");
    if (out->error) std::rethrow_exception(out->error);
    return std::move(*out->value);
  }
};

/// Waits `d` on the client's io_context (client_io::run needs a value back).
awaitable<bool> pause(std::chrono::milliseconds d);

using response = http::response<http::string_body>;

/// A page's WebSocket, over the node's own page_stream: the tests' clients
/// then instantiate Beast's WebSocket and HTTP code once, for plain and TLS.
struct ws_stream : websocket::stream<web::page_stream> {
  /// Plain.
  explicit ws_stream(net::io_context& ctx) : websocket::stream<web::page_stream>(beast::tcp_stream(ctx)) {}
  /// Over TLS, on a context from tls_client_context().
  ws_stream(net::io_context& ctx, net::ssl::context& tls)
      : websocket::stream<web::page_stream>(web::page_stream::tls_stream(ctx, tls)) {}
};

struct ws_message {
  error_code ec;  ///< set when the read failed (closed, ...)
  bool binary = false;
  std::string data;
};

/// One request on a new connection; `fields` are added to Host (which they may replace).
awaitable<response> http_request(std::uint16_t port, http::verb method, std::string target,
                                 std::vector<std::pair<std::string, std::string>> fields = {});
/// The WebSocket handshake on `ws`; returns the server's response (101 on success, else the refusal).
awaitable<websocket::response_type> ws_connect(ws_stream& ws, std::uint16_t port, std::string host, std::string target,
                                               std::optional<std::string> origin);
/// The next message on a WebSocket, plain or over TLS.
awaitable<ws_message> ws_read(ws_stream& ws);
awaitable<error_code> ws_write(ws_stream& ws, std::string data, bool binary = false);

struct https_response {
  response res;
  std::string fingerprint;  ///< of the certificate the server presented
};
/// One GET over HTTPS on a new connection.
awaitable<https_response> https_get(std::uint16_t port, std::string target);
/// The TLS and WebSocket handshakes on a TLS `ws`.
awaitable<websocket::response_type> wss_connect(ws_stream& ws, std::uint16_t port, std::string origin);
/// A client context for the tests' HTTPS: no verification (the tests compare fingerprints instead).
net::ssl::context& tls_client_context();

/// An MJPEG viewer of /video/N.mjpg: reads the response head, then one part at a time.
struct mjpeg_viewer {
  explicit mjpeg_viewer(net::io_context& ctx) : socket(ctx) {}
  /// Sends the request; returns the response head.
  awaitable<std::string> open(std::uint16_t port, std::string target);
  /// The next part's JPEG bytes; throws when the part is malformed.
  awaitable<std::string> part();

  tcp::socket socket;
  std::string buffer;
};

/// Decodes JPEG bytes; empty when they are not a JPEG.
cv::Mat decode_jpeg(const std::string& jpeg);

/// A JPEG of a w x h image: noise when `noisy` (large), else a flat colour.
std::vector<std::uint8_t> make_jpeg(int w, int h, int seed, bool noisy = false);
chatnode::video::frame_ptr make_frame(std::uint32_t seq, int w, int h, bool noisy = false);

}  // namespace web_test
