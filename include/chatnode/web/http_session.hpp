// One HTTP connection: reads requests (keep-alive) and answers them, until the
// client closes, a read times out, or the request is a WebSocket upgrade or a
// video stream, when it hands its socket to a ws_session or mjpeg_stream.
#pragma once

#include <memory>

#include "chatnode/web/beast.hpp"
#include "chatnode/web/client.hpp"
#include "chatnode/web/connection_slots.hpp"

namespace chatnode::web {

struct server_state;

class http_session : public client, public std::enable_shared_from_this<http_session> {
 public:
  /// `stream`'s socket must be bound to a strand of its own.
  http_session(page_stream stream, connection_slots::slot slot, std::shared_ptr<server_state> state);

  /// Spawns a session on the stream's strand; `slot` goes with the stream.
  static void start(page_stream stream, connection_slots::slot slot, const std::shared_ptr<server_state>& state);

  /// Serves the connection to its end; completes when it is closed or handed over.
  awaitable<void> run();
  void stop() override;

 private:
  /// Answers one request; false when the connection must end (or was handed over).
  awaitable<bool> serve(request req);
  http::response<http::string_body> respond(const request& req, std::string_view path);

  page_stream stream_;
  connection_slots::slot slot_;
  net::any_io_executor executor_;  ///< the connection's strand, still known after stream_ is handed over
  beast::flat_buffer buffer_;
  std::shared_ptr<server_state> state_;
  bool stopping_ = false;
  bool handed_over_ = false;  ///< stream_ was moved into a ws_session or mjpeg_stream
};

}  // namespace chatnode::web
