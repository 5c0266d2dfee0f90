#include "chatnode/peer/dialer.hpp"

#include <cstdio>

namespace chatnode::peer {
namespace {

using namespace std::chrono_literals;

constexpr auto connect_timeout = 10s;

}  // namespace

dialer::dialer(net::io_context& ioc, strand s, hooks h, std::uint64_t seed)
    : strand_(std::move(s)), hooks_(std::move(h)), connector_(ioc), timer_(strand_), backoff_(seed) {}

dialled dialer::target_link(std::size_t i) const {
  // The target is named by its addresses across connections: a listener
  // restarted there (a new node id), or another node of the list, still gets
  // what the last one had not acknowledged.
  std::string all;
  for (const auto& a : target_->addresses) all += (all.empty() ? "" : ",") + format_host_port(a);
  return {target_->wire, format_host_port(target_->addresses[i]), "link to " + all};
}

void dialer::dial_target(target t) {
  target_ = std::move(t);
  connecting_ = true;
  net::co_spawn(strand_, first_dial(), net::detached);
}

void dialer::dial(const std::string& to) {
  if (stopped_) return;
  if (connecting_) return hooks_.tell("not connecting to " + to + ": another connection is being made");
  connecting_ = true;
  net::co_spawn(strand_, dial_page_node(parse_connect_address(to)), net::detached);
}

awaitable<void> dialer::dial_page_node(host_port to) {
  const auto where = format_host_port(to);
  hooks_.tell("connecting to " + where);
  auto r = co_await connector_.connect(to, connect_timeout);
  connecting_ = false;
  if (r.error) {
    if (!stopped_) hooks_.tell("could not connect to " + where + ": " + r.what + ": " + r.error.message());
  } else {
    // Nodes named on the page are chat_nodes.
    hooks_.start(std::move(r.socket), dialled{protocol::wire_protocol::chat_node, where, {}});
  }
  hooks_.settled();  // the node may have begun finishing while we connected: then no session started
}

awaitable<bool> dialer::try_addresses(std::size_t from, const std::string& attempt) {
  const auto n = target_->addresses.size();
  for (std::size_t k = 0; k < n && !stopped_; ++k) {
    const auto i = (from + k) % n;
    const auto where = format_host_port(target_->addresses[i]);
    if (attempt.empty() || n > 1) hooks_.tell("connecting to " + where);
    auto r = co_await connector_.connect(target_->addresses[i], connect_timeout);
    if (!r.error) {
      connecting_ = false;
      current_ = i;
      target_peer_id_ = hooks_.start(std::move(r.socket), target_link(i));
      co_return true;
    }
    if (stopped_) continue;
    hooks_.tell((attempt.empty() ? "could not connect to " + where : "attempt " + attempt + " failed") + ": " + r.what +
                ": " + r.error.message());
  }
  co_return false;
}

awaitable<void> dialer::first_dial() {
  const bool connected = co_await try_addresses(0, {});
  if (!connected) {
    // A first attempt that fails is most likely a wrong address: said at once,
    // not retried, unless the user said the peer may not be there yet.
    if (target_->retry && !stopped_) co_return co_await redial_target();
    connecting_ = false;
    hooks_.unreachable();
  }
  hooks_.settled();
}

awaitable<void> dialer::redial_target() {
  // The address after the one lost first: its node may be the one that is gone.
  const auto from = (current_ + 1) % target_->addresses.size();
  const auto where = format_host_port(target_->addresses[from]);
  while (!stopped_) {
    const auto delay = backoff_.next();
    const auto attempt = std::to_string(backoff_.attempts());
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", delay.count() / 1000.0);
    std::string what = target_joined_ ? "reconnecting to " : "trying ";
    what += where;
    what += target_joined_ ? " in " : " again in ";
    what += seconds;
    what += " s (attempt " + attempt + ")";
    hooks_.tell(what);
    timer_.expires_after(delay);
    co_await timer_.async_wait(use_nothrow);
    if (stopped_) break;
    const bool connected = co_await try_addresses(from, attempt);
    if (connected) {
      hooks_.settled();
      co_return;
    }
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
