#include "chatnode/peer/dialer.hpp"

#include <cstdio>

namespace chatnode::peer {
namespace {

using namespace std::chrono_literals;

constexpr auto connect_timeout = 10s;

}  // namespace

dialer::dialer(net::io_context& ioc, strand s, hooks h, std::uint64_t seed)
    : strand_(std::move(s)), hooks_(std::move(h)), connector_(ioc), timer_(strand_), backoff_(seed) {}

dialled dialer::target_link() const {
  // The target is named by its address across connections: a listener
  // restarted there (a new node id) still gets what its predecessor had not acknowledged.
  const auto where = format_host_port(target_->address);
  return {target_->wire, where, "link to " + where};
}

void dialer::dial_target(target t) {
  target_ = std::move(t);
  connecting_ = true;
  net::co_spawn(strand_, connect_to(target_->address, true), net::detached);
}

void dialer::dial(const std::string& to) {
  if (stopped_) return;
  if (connecting_) return hooks_.tell("not connecting to " + to + ": another connection is being made");
  connecting_ = true;
  net::co_spawn(strand_, connect_to(parse_connect_address(to), false), net::detached);
}

awaitable<void> dialer::connect_to(host_port to, bool is_target) {
  const auto where = format_host_port(to);
  hooks_.tell("connecting to " + where);
  auto r = co_await connector_.connect(to, connect_timeout);
  connecting_ = false;
  if (r.error) {
    if (!stopped_) hooks_.tell("could not connect to " + where + ": " + r.what + ": " + r.error.message());
    // A first attempt that fails is most likely a wrong address: said at once,
    // not retried, unless the user said the peer may not be there yet.
    if (is_target && target_->retry && !stopped_) {
      connecting_ = true;
      co_return co_await redial_target();
    }
    if (is_target) hooks_.unreachable();
    hooks_.settled();
    co_return;
  }
  // Only the target may be a teaching program; nodes named on the page are chat_nodes.
  if (is_target)
    target_peer_id_ = hooks_.start(std::move(r.socket), target_link());
  else
    hooks_.start(std::move(r.socket), dialled{protocol::wire_protocol::chat_node, where, {}});
  hooks_.settled();  // the node may have begun finishing while we connected: then no session started
}

awaitable<void> dialer::redial_target() {
  const auto where = format_host_port(target_->address);
  while (!stopped_) {
    const auto delay = backoff_.next();
    const auto attempt = std::to_string(backoff_.attempts());
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", delay.count() / 1000.0);
    hooks_.tell((target_joined_ ? "reconnecting to " + where + " in " : "trying " + where + " again in ") + seconds +
                " s (attempt " + attempt + ")");
    timer_.expires_after(delay);
    co_await timer_.async_wait(use_nothrow);
    if (stopped_) break;
    auto r = co_await connector_.connect(target_->address, connect_timeout);
    if (!r.error) {
      connecting_ = false;
      target_peer_id_ = hooks_.start(std::move(r.socket), target_link());
      hooks_.settled();
      co_return;
    }
    if (!stopped_) hooks_.tell("attempt " + attempt + " failed: " + r.what + ": " + r.error.message());
  }
  connecting_ = false;
  hooks_.settled();
}

void dialer::joined(int peer_id) {
  if (peer_id != target_peer_id_ || peer_id == 0) return;
  target_joined_ = true;
  backoff_.reset();
}

bool dialer::ended(int peer_id, const participant* p) {
  if (peer_id != target_peer_id_ || peer_id == 0) return false;
  target_peer_id_ = 0;
  // The target's link was lost (not ended with a bye): get it back, and with it
  // whatever the peer had not acknowledged. A teaching program has no bye, so
  // hanging up is how it leaves: that link is not resumed. Without `p` the
  // connection ended before a session began (TLS, the secret, the handshake).
  const bool lost = !p || (!p->resume_key().empty() && !p->ended_in_order());
  // Before the first link held, only --retry dials again.
  const bool again = target_joined_ ? target_->reconnect : target_->retry;
  if (!again || stopped_ || !lost) return false;
  connecting_ = true;
  net::co_spawn(strand_, redial_target(), net::detached);
  return true;
}

void dialer::stop() {
  stopped_ = true;
  if (connecting_) connector_.cancel();
  timer_.cancel();
}

}  // namespace chatnode::peer
