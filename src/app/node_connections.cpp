// The node's connections, from a socket to a running session: recognising an
// accepted peer's protocol, admitting it (per-address rate), TLS, the secret
// exchange, and the session or teaching-program session itself.
#include <optional>

#include "chatnode/app/node.hpp"
#include "chatnode/peer/protocol_detector.hpp"
#include "chatnode/peer/secret_gate.hpp"
#include "chatnode/peer/teaching_session.hpp"
#include "chatnode/peer/tls_handshake.hpp"
#include "chatnode/protocol/errors.hpp"
#include "chatnode/security/secret_exchange.hpp"

namespace chatnode::app {
using namespace std::chrono_literals;

int node::start_session(tcp::socket socket, std::optional<outgoing> out) {
  if (finishing_) return 0;
  ++active_sessions_;
  const auto remote = describe_remote(socket);
  const auto executor = socket.get_executor();
  const int peer_id = next_peer_id_++;
  net::co_spawn(executor, serve_peer(std::move(socket), peer_id, std::move(out)),
                [this, remote, peer_id](std::exception_ptr e, std::shared_ptr<peer::participant> p) {
                  if (e) console_.info("session with " + remote + " failed: " + what_failed(e));
                  net::post(strand_, [this, peer_id, p] { on_session_done(peer_id, p.get()); });
                });
  return peer_id;
}

awaitable<std::shared_ptr<peer::participant>> node::serve_peer(tcp::socket socket, int peer_id,
                                                               std::optional<outgoing> out) {
  // Runs on the connection's strand: only constant node state is read here.
  const auto remote = describe_remote(socket);
  const auto refused = [&](const std::string& why) {
    console_.info("connection with " + remote + " closed before the handshake completed: " + why);
  };
  using protocol::wire_protocol;
  auto wire = out ? out->wire : wire_protocol::chat_node;
  const auto role = out ? security::role::connector : security::role::listener;
  std::vector<std::uint8_t> first_bytes;
  if (!out) {
    auto d = co_await peer::detect_protocol(socket, session_cfg_.handshake_timeout);
    if (d.protocol == wire_protocol::http) {
      d.failure = "an HTTP request on the chat port (the web page is served on the --web port)";
    } else if (d.protocol == wire_protocol::tls && !tls_) {
      d.failure = "a TLS client (this node was started without --tls)";
    } else if (tls_ && d.protocol == wire_protocol::chat_node) {
      co_await peer::refuse_without_tls(socket);
      d.failure = "a chat_node without TLS (it was told that this node accepts TLS only)";
    } else if (tls_ && d.protocol && *d.protocol != wire_protocol::tls) {
      d.failure = std::string("a ") + to_string(*d.protocol) + " peer (this node accepts TLS only)";
    }
    if (!d.protocol || !d.failure.empty()) {
      refused(d.failure);
      co_return nullptr;
    }
    wire = *d.protocol == wire_protocol::tls ? wire_protocol::chat_node : *d.protocol;
    first_bytes = std::move(d.bytes);
  }

  std::shared_ptr<peer::participant> p;
  if (wire != wire_protocol::chat_node) {
    if (!opts_.secret.empty()) {
      refused(std::string("a ") + to_string(wire) + " peer cannot prove that it knows the secret");
      co_return nullptr;
    }
    const peer::teaching_config cfg{session_cfg_.flush_timeout, session_cfg_.linger_timeout,
                                    session_cfg_.text_budget,   session_cfg_.write_timeout,
                                    session_cfg_.demand,        {opts_.capture.quality, 1}};
    p = std::make_shared<peer::teaching_session>(std::move(socket), wire, peer_id, cfg, room_, first_bytes);
    co_await p->run();
    co_return p;
  }

  // The link: TLS first when asked for, so that everything after it is encrypted.
  auto cfg = session_cfg_;
  std::optional<peer::link> link;
  if (!tls_) {
    link.emplace(std::move(socket));
  } else {
    auto& ctx = out ? tls_->client_context() : tls_->server_context();
    auto h = co_await peer::tls_handshake(std::move(socket), ctx, !out, first_bytes, session_cfg_.handshake_timeout);
    if (!h.stream) {
      refused(h.failure);
      co_return nullptr;
    }
    first_bytes.clear();  // what the listener read was the start of the TLS stream, and TLS has consumed it
    cfg = tls_session_config(out, std::move(h.peer_fingerprint));
    link.emplace(std::move(h.stream));
  }
  if (out) cfg.resume_key = out->resume_key;

  // Then the secret, over that link: nothing of the chat flows before it is proved.
  if (!opts_.secret.empty()) {
    security::secret_exchange exchange(opts_.secret, role);
    auto gate = co_await peer::pass_secret_gate(*link, exchange, std::move(first_bytes), cfg.handshake_timeout);
    if (!gate.admitted) {
      // Both sides see a wrong secret; the connector reports it as the listener's refusal.
      const bool by_peer = role == security::role::connector && gate.error == protocol::errc::wrong_secret;
      console_.info((by_peer ? "refused by " : "refused ") + remote + ": " + gate.reason);
      co_return nullptr;
    }
    first_bytes = std::move(gate.rest);
    cfg.after_secret_exchange = true;
  }
  p = std::make_shared<peer::session>(std::move(*link), peer_id, std::move(cfg), room_, first_bytes);
  co_await p->run();
  co_return p;
}

peer::session_config node::tls_session_config(const std::optional<outgoing>& out, std::string fingerprint) {
  auto cfg = session_cfg_;
  // A node we dialled is known by its address, as ssh knows hosts; one that
  // dialled us, by the name it gives (its address changes every time).
  const auto dialled = out ? "the node at " + out->address : std::string();
  cfg.vet = [this, dialled, fingerprint = std::move(fingerprint)](const protocol::hello& h) {
    const auto who = dialled.empty() ? "the peer named " + term::sanitize_for_terminal(h.name) : dialled;
    const auto v = tls_->vet(who, fingerprint);
    if (v.accepted && !v.message.empty()) console_.info(v.message);
    return v.accepted ? std::string() : v.message;
  };
  return cfg;
}

bool node::admit(const tcp::socket& socket) {
  error_code ec;
  const auto from = unmapped(socket.remote_endpoint(ec).address());
  if (ec) return false;  // already gone
  // Programs on this machine are trusted, as on the web page: local tools and tests connect in bursts.
  if (from.is_loopback()) return true;
  const auto now = std::chrono::steady_clock::now();
  if (rate_limit_.admit(from, now)) return true;
  if (refusal_log_.allow(now)) {
    console_.info("refused a connection from " + from.to_string() + ": more than " +
                  std::to_string(static_cast<int>(rate_limit_.per_second())) +
                  " new connections a second from one source, an IPv4 address or an IPv6 /64"
                  " (further refusals this second are not logged)");
  }
  return false;
}

}  // namespace chatnode::app
