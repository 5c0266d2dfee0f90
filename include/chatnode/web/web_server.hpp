// The node's web page: a Beast HTTP + WebSocket server in the same coroutine
// style as peer/. One strand per connection, chosen at accept; sessions live
// as long as their run() coroutine; publish() and publish_frame() hand shared,
// immutable buffers to every page from any thread.
//
// Endpoints: / (the page), /app.js, /style.css, /ws (WebSocket, docs/WEB.md),
// /stats.json, /metrics, /video/N.mjpg (multipart MJPEG of peer N, 0 = ours).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "chatnode/endpoint.hpp"
#include "chatnode/net.hpp"
#include "chatnode/video/encoded_frame.hpp"
#include "chatnode/web/backend.hpp"
#include "chatnode/web/ws_outbox.hpp"

namespace chatnode::web {

struct web_config {
  std::string token;  ///< required in the URL (?token=...) or a cookie when non-empty
  std::vector<std::string>
      host_names;  ///< names the node answers to in Host (besides literal loopback/own-IP with the bound port)
  /// Serve HTTPS with this context (it must outlive the server); null: plain HTTP.
  net::ssl::context* tls = nullptr;

  // Limits; the defaults suit a browser on a LAN, tests shorten them.
  std::size_t event_budget = ws_outbox::default_event_budget;  ///< bytes of events waiting per page before it is closed
  std::chrono::milliseconds write_timeout{10000};  ///< a write to a page or viewer taking longer closes that client
  std::chrono::milliseconds read_timeout{30000};   ///< to receive a whole HTTP request
  std::chrono::milliseconds close_timeout{1000};   ///< stop(): a WebSocket's close handshake, then the socket is closed
  /// Connections open at once (pages, requests, viewers), idle ones included;
  /// further ones are closed as they are accepted. At most half of the files
  /// the process may open, so the chat listener and its peers keep the rest.
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 64;  ///< from one address but loopback
  /// Unexpected failures of a connection (any thread); empty: "chat_node: web: ..." on stderr.
  std::function<void(std::string_view)> log;
};

struct server_state;

class web_server {
 public:
  /// Binds now; an empty host means every interface (dual-stack). Throws
  /// std::runtime_error("web page: cannot listen on X: reason"). `b` must
  /// outlive every session: destroy it after the io_context has stopped running.
  web_server(net::io_context& ioc, const host_port& where, backend& b, const web_config& cfg);
  /// Stops (as stop()); sessions still running keep what they use alive.
  ~web_server();
  web_server(const web_server&) = delete;
  web_server& operator=(const web_server&) = delete;

  tcp::endpoint local_endpoint() const { return endpoint_; }
  /// Open connections (page requests, WebSockets, video viewers), for statistics; any thread.
  std::size_t connections() const;
  /// Whether a page or a viewer shows `peer`'s video (0: ours); any thread.
  bool shows(int peer) const;

  /// Spawns the accept loop.
  void start();
  /// Any thread: closes the listener and every HTTP/WebSocket session (WebSockets
  /// get a close frame, bounded by close_timeout), so io_context::run() can return.
  void stop();

  // Any thread, cheap, never blocks:
  /// A JSON event for every open page, passed through as is.
  void publish(std::string json_event);
  /// Peer 0 = our own camera (the page's preview), N = peer N; latest frame wins per client, never a queue.
  void publish_frame(int peer, video::frame_ptr f);

 private:
  std::shared_ptr<server_state> state_;
  tcp::endpoint endpoint_;
};

}  // namespace chatnode::web
