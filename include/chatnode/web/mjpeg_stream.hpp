// One viewer of /video/N.mjpg: a multipart/x-mixed-replace response that never
// ends, one JPEG part per frame of peer N as frames are published. Latest frame
// wins (ustreamer's per-client "write when drained, always the newest"): a slow
// viewer gets fewer frames, never a queue. Its life is run(): read_loop() (to
// notice the viewer leaving) || write_loop() || watchdog_.run(), on its strand.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "chatnode/pacing/frame_gate.hpp"
#include "chatnode/web/beast.hpp"
#include "chatnode/web/client.hpp"
#include "chatnode/web/connection_slots.hpp"
#include "chatnode/web/frame_mailbox.hpp"
#include "chatnode/web/watchdog.hpp"

namespace chatnode::web {

struct server_state;

/// The multipart boundary; never appears in a JPEG part's headers.
inline constexpr std::string_view mjpeg_boundary = "chatnodeframe";

class mjpeg_stream : public client, public std::enable_shared_from_this<mjpeg_stream> {
 public:
  /// `stream` has just received the request for peer `peer`'s video.
  mjpeg_stream(page_stream stream, connection_slots::slot slot, int peer, std::shared_ptr<server_state> state);

  /// Spawns a stream on the stream's strand.
  static void start(page_stream stream, connection_slots::slot slot, int peer,
                    const std::shared_ptr<server_state>& state);

  awaitable<void> run();
  void stop() override;
  void deliver_frame(int peer, const video::frame_ptr& frame) override;
  bool shows(int peer) const override { return peer == peer_; }

 private:
  using clock = std::chrono::steady_clock;

  static std::string response_head();
  awaitable<void> read_loop();
  awaitable<void> write_loop();
  /// Writes with the write deadline armed; false on error.
  template <class Buffers>
  awaitable<bool> write(const Buffers& buffers);

  page_stream stream_;
  connection_slots::slot slot_;
  net::any_io_executor executor_;
  int peer_;
  std::shared_ptr<server_state> state_;
  frame_mailbox mailbox_;
  video::frame_ptr pending_;  ///< the newest frame not yet started
  net::steady_timer wake_;    ///< condition variable of the write loop
  watchdog watchdog_;
  pacing::frame_gate gate_;  ///< a frame starts only when the link can take it
  bool stopping_ = false;
};

}  // namespace chatnode::web
