// The node's figures, once a second: each peer's frame rates from its
// counters, the status line where a person watches the terminal, and the
// page's statistics. Runs on the node's strand until stop().
#pragma once

#include <functional>
#include <map>
#include <utility>

#include "chatnode/app/web_bridge.hpp"
#include "chatnode/net.hpp"
#include "chatnode/peer/room.hpp"
#include "chatnode/stats/cluster_figures.hpp"
#include "chatnode/stats/report.hpp"
#include "chatnode/term/console.hpp"
#include "chatnode/video/capture_thread.hpp"

namespace chatnode::app {

class status_ticker {
 public:
  /// `capture` and `page` name what exists at each tick (null: none).
  struct sources {
    std::function<const video::capture_thread*()> capture;
    std::function<web_bridge*()> page;
    bool shows_video = false;  ///< the status line is about video: none without it or a cluster
    /// How the cluster stands; empty without --cluster.
    std::function<stats::cluster_figures()> cluster;
  };

  status_ticker(net::strand<net::io_context::executor_type> strand, const peer::room& room, term::console& console,
                sources s)
      : timer_(std::move(strand)), room_(room), console_(console), sources_(std::move(s)) {}

  awaitable<void> run();
  void stop();
  /// Peer `peer_id` is gone: its rates are dropped.
  void forget(int peer_id) { rates_.erase(peer_id); }

 private:
  net::steady_timer timer_;
  const peer::room& room_;
  term::console& console_;
  sources sources_;
  std::map<int, stats::rate_tracker> rates_;
  bool stopped_ = false;  ///< covers a stop() while no wait is pending
};

}  // namespace chatnode::app
