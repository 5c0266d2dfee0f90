// One page's WebSocket (/ws). Its life is run(): the handshake, the state
// message, then read_loop() || write_loop() || watchdog_.run() on the
// connection's strand, so its state needs no lock. Events and frames from
// other threads reach it only through deliver() and deliver_frame(), which post
// to that strand. Message formats: docs/WEB.md.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "chatnode/pacing/frame_gate.hpp"
#include "chatnode/web/beast.hpp"
#include "chatnode/web/client.hpp"
#include "chatnode/web/connection_slots.hpp"
#include "chatnode/web/frame_mailbox.hpp"
#include "chatnode/web/watchdog.hpp"
#include "chatnode/web/ws_outbox.hpp"

namespace chatnode::web {

struct server_state;

/// Largest message a page may send: a 64 KiB text with its JSON around it.
inline constexpr std::size_t max_page_message_bytes = std::size_t{64} * 1024 + 1024;
/// Largest chat text a page may send, in bytes of UTF-8 (the protocol's limit).
inline constexpr std::size_t max_page_text_bytes = std::size_t{64} * 1024;

class ws_session : public client, public std::enable_shared_from_this<ws_session> {
 public:
  ws_session(page_stream stream, connection_slots::slot slot, std::shared_ptr<server_state> state);

  /// Spawns a session on the stream's strand for the upgrade request `req`.
  static void start(page_stream stream, connection_slots::slot slot, request req,
                    const std::shared_ptr<server_state>& state);

  /// Accepts the upgrade `req` and serves the page until the socket closes.
  awaitable<void> run(request req);

  void stop() override;
  void deliver(const std::shared_ptr<const std::string>& event) override;
  void deliver_frame(int peer, const video::frame_ptr& frame) override;
  /// A page shows every stream, ours too.
  bool shows(int) const override { return true; }

 private:
  using clock = std::chrono::steady_clock;

  awaitable<void> read_loop();
  awaitable<void> write_loop();
  void handle_message(std::string_view json);
  /// A {"type":"error"} event for this page only.
  void reply_error(std::string_view text);
  /// Sends a close frame after the message in flight, and gives the close
  /// handshake close_timeout before the watchdog closes the socket.
  void request_close(websocket::close_code code, std::string_view reason);
  void update_deadline();
  void wake_writer() { wake_.cancel(); }

  websocket::stream<page_stream> ws_;
  connection_slots::slot slot_;
  net::any_io_executor executor_;
  std::shared_ptr<server_state> state_;
  beast::flat_buffer read_buffer_;
  ws_outbox outbox_;
  frame_mailbox mailbox_;
  net::steady_timer wake_;  ///< condition variable of the write loop: cancelled on new work
  watchdog watchdog_;
  pacing::frame_gate gate_;  ///< a frame starts only when the link can take it

  bool open_ = false;                             ///< handshake done: events and frames are accepted
  std::optional<websocket::close_reason> close_;  ///< set: the write loop sends it and ends
  clock::time_point write_deadline_ = clock::time_point::max();
  clock::time_point close_deadline_ = clock::time_point::max();
};

}  // namespace chatnode::web
