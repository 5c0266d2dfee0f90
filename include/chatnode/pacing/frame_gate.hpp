// The same rule for a connection that sends frames latest-wins and adapts
// nothing else (a page's WebSocket, an MJPEG viewer): its kernel queue is kept
// short, and a new frame starts only when what is queued drains within the
// budget, so a viewer on a slow link sees the newest frame, never a backlog.
#pragma once

#include <chrono>

#include "chatnode/pacing/link_meter.hpp"

namespace chatnode::pacing {

class frame_gate {
 public:
  explicit frame_gate(std::chrono::milliseconds budget = std::chrono::milliseconds(50)) : budget_(budget) {}

  /// Reads the TCP socket `fd` now: whether a frame started now would wait
  /// less than the budget. Sets its unsent limit as the rate moves.
  bool open(int fd);

 private:
  link_meter meter_;
  std::chrono::milliseconds budget_;
};

}  // namespace chatnode::pacing
