#include "chatnode/app/status_ticker.hpp"

#include <unistd.h>

namespace chatnode::app {

awaitable<void> status_ticker::run() {
  using namespace std::chrono_literals;
  const bool tty = isatty(STDERR_FILENO);
  while (!stopped_) {
    timer_.expires_after(1s);
    co_await timer_.async_wait(use_nothrow);
    if (stopped_) co_return;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& s : room_.sessions()) rates_[s->peer_id()].update(*s->stats(), now);
    const auto* capture = sources_.capture();
    const auto cluster = sources_.cluster ? std::optional(sources_.cluster()) : std::nullopt;
    // Refreshed in place once a second, and only where a person watches it.
    if (tty && (sources_.shows_video || cluster)) {
      std::string line = sources_.shows_video ? stats::status_line(room_.views(), capture ? capture->rate() : 0) : "";
      if (cluster) line += (line.empty() ? "" : " | ") + stats::cluster_status(*cluster);
      console_.set_status(line);
    }
    if (auto* page = sources_.page()) {
      if (capture) page->capture_skipped(capture->frames_skipped());
      if (cluster) page->cluster_figures(*cluster);
      page->tick(now);
    }
  }
}

void status_ticker::stop() {
  stopped_ = true;
  timer_.cancel();
}

}  // namespace chatnode::app
