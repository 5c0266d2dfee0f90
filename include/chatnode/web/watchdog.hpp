// A moving deadline for one connection, raced against its loops:
// `co_await (read_loop() || write_loop() || watchdog_.run())`, as Talking
// Async's timeout_watchdog. The loops move the deadline (a write started, the
// server is stopping); when it passes, run() returns and `||` cancels the rest.
// Beast's tcp_stream timeouts can't express this for a WebSocket, whose read
// is always pending while writes come and go.
#pragma once

#include <chrono>

#include "chatnode/net.hpp"

namespace chatnode::web {

class watchdog {
 public:
  using clock = std::chrono::steady_clock;

  explicit watchdog(const net::any_io_executor& ex) : timer_(ex, clock::time_point::max()) {}

  /// On the strand: the deadline is now `t` (time_point::max(): none). Only an
  /// earlier deadline wakes the timer; a later one is picked up when it fires.
  void expires_at(clock::time_point t) {
    deadline_ = t;
    if (t < timer_.expiry()) timer_.cancel();
  }
  bool expired() const;

  /// Completes when the deadline has passed, or when cancelled.
  awaitable<void> run();
  /// As run(), then `close()` (the connection's socket). Closing ends every
  /// operation on it at once, whether or not a composed operation honours the
  /// cancellation that `||` sends it, so a peer that reads nothing cannot keep
  /// the race waiting on its write.
  template <class Close>
  awaitable<void> run_then(Close close) {
    co_await run();
    close();
  }

 private:
  net::steady_timer timer_;
  clock::time_point deadline_ = clock::time_point::max();
};

}  // namespace chatnode::web
