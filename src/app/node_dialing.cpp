// The node's outgoing links: the --connect target (its first dial, --retry,
// and reconnecting after a lost link), the nodes named on the page, and what
// the end of a session means for the node.
#include "chatnode/app/node.hpp"

#include <cstdio>

namespace chatnode::app {
namespace {

using namespace std::chrono_literals;

constexpr auto connect_timeout = 10s;

/// The --connect target is named by its address across connections: a listener
/// restarted there (a new node id) still gets what its predecessor had not acknowledged.
std::string target_resume_key(const host_port& target) { return "link to " + format_host_port(target); }

}  // namespace

awaitable<void> node::connect_to(host_port target, bool is_target) {
  const auto where = format_host_port(target);
  tell("connecting to " + where);
  auto r = co_await connector_.connect(target, connect_timeout);
  connecting_ = false;
  if (r.error) {
    if (!finishing_) tell("could not connect to " + where + ": " + r.what + ": " + r.error.message());
    // A first attempt that fails is most likely a wrong address: said at once,
    // not retried, unless the user said the peer may not be there yet.
    if (is_target && opts_.retry && !finishing_) {
      connecting_ = true;
      co_return co_await reconnect();
    }
    if (is_target) finish(1, protocol::bye_reason::normal, false);
    maybe_done();
    co_return;
  }
  // Only the --connect target may be a teaching program; nodes named on the page are chat_nodes.
  if (is_target)
    target_peer_id_ = start_session(std::move(r.socket), outgoing{opts_.wire, where, target_resume_key(opts_.address)});
  else
    start_session(std::move(r.socket), outgoing{protocol::wire_protocol::chat_node, where, {}});
  maybe_done();  // the node may have begun finishing while we connected: then no session started
}

awaitable<void> node::reconnect() {
  const auto where = format_host_port(opts_.address);
  while (!finishing_) {
    const auto delay = backoff_.next();
    const auto attempt = std::to_string(backoff_.attempts());
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", delay.count() / 1000.0);
    tell((target_joined_ ? "reconnecting to " + where + " in " : "trying " + where + " again in ") + seconds +
         " s (attempt " + attempt + ")");
    reconnect_timer_.expires_after(delay);
    co_await reconnect_timer_.async_wait(use_nothrow);
    if (finishing_) break;
    auto r = co_await connector_.connect(opts_.address, connect_timeout);
    if (!r.error) {
      connecting_ = false;
      target_peer_id_ =
          start_session(std::move(r.socket), outgoing{opts_.wire, where, target_resume_key(opts_.address)});
      maybe_done();
      co_return;
    }
    if (!finishing_) tell("attempt " + attempt + " failed: " + r.what + ": " + r.error.message());
  }
  connecting_ = false;
  maybe_done();
}

void node::connect_from_page(const std::string& to) {
  if (finishing_) return;
  if (connecting_) return tell("not connecting to " + to + ": another connection is being made");
  connecting_ = true;
  net::co_spawn(strand_, connect_to(parse_connect_address(to), false), net::detached);
}

void node::on_session_done(int peer_id, const peer::participant* p) {
  --active_sessions_;
  rates_.erase(peer_id);
  // The target's link was lost (not ended with a bye): get it back, and with it
  // whatever the peer had not acknowledged. A teaching program has no bye, so
  // hanging up is how it leaves: that link is not resumed. Without `p` the
  // connection ended before a session began (TLS, the secret, the handshake).
  if (peer_id == target_peer_id_) {
    target_peer_id_ = 0;
    const bool lost = !p || (!p->resume_key().empty() && !p->ended_in_order());
    // Before the first link held, only --retry dials again.
    const bool again = target_joined_ ? opts_.reconnect : opts_.retry;
    if (again && !finishing_ && lost) {
      connecting_ = true;
      net::co_spawn(strand_, reconnect(), net::detached);
      return;
    }
  }
  // A --connect node lives while it has a connection (the one it was started
  // with, and any made from the page).
  if (opts_.mode == options::role::connect && active_sessions_ == 0 && !connecting_)
    finish(p && p->ended_in_order() && !p->ended_for_cause() ? 0 : 1, protocol::bye_reason::normal, false);
  maybe_done();
}

}  // namespace chatnode::app
