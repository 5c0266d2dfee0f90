// One connection of the web server (a page request, a WebSocket, an MJPEG
// stream), as the server's registry sees it: something to stop at shutdown
// and, for the long-lived ones, something to hand events and frames to.
#pragma once

#include <memory>
#include <string>

#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::web {

class client {
 public:
  virtual ~client() = default;

  /// Any thread, never blocks: end the connection soon (WebSockets say goodbye first).
  virtual void stop() = 0;
  /// Any thread, never blocks: one JSON event for the page, shared by every client.
  virtual void deliver(const std::shared_ptr<const std::string>& /*event*/) {}
  /// Any thread, never blocks: the newest frame of `peer` (0 = our camera); latest wins.
  virtual void deliver_frame(int /*peer*/, const video::frame_ptr& /*frame*/) {}
  /// Any thread: whether this connection shows `peer`'s video (0: ours), so that it is captured.
  virtual bool shows(int /*peer*/) const { return false; }
};

}  // namespace chatnode::web
