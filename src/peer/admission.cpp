#include "chatnode/peer/admission.hpp"

#include "chatnode/endpoint.hpp"

#include "chatnode/peer/protocol_detector.hpp"
#include "chatnode/peer/secret_gate.hpp"
#include "chatnode/peer/tls_handshake.hpp"
#include "chatnode/protocol/errors.hpp"
#include "chatnode/security/secret_exchange.hpp"
#include "chatnode/term/terminal_text.hpp"

namespace chatnode::peer {
namespace {

using protocol::wire_protocol;

/// Why an accepted connection whose first bytes showed `d` may not go on; empty: it may.
std::string refusal(const detected_protocol& d, bool tls_only) {
  if (!d.protocol) return d.failure;
  if (*d.protocol == wire_protocol::http)
    return "an HTTP request on the chat port (the web page is served on the --web port)";
  if (*d.protocol == wire_protocol::tls && !tls_only) return "a TLS client (this node was started without --tls)";
  if (tls_only && *d.protocol == wire_protocol::chat_node)
    return "a chat_node without TLS (it was told that this node accepts TLS only)";
  if (tls_only && *d.protocol != wire_protocol::tls)
    return std::string("a ") + to_string(*d.protocol) + " peer (this node accepts TLS only)";
  return {};
}

/// The session's settings for a TLS link whose peer presented `fingerprint`:
/// its hello is vetted against the pins or known peers.
session_config vetted(const admission_policy& policy, const std::optional<dialled>& out, std::string fingerprint) {
  auto cfg = policy.session;
  // A node we dialled is known by its address, as ssh knows hosts; one that
  // dialled us, by the name it gives (its address changes every time).
  const auto address = out ? "the node at " + out->address : std::string();
  cfg.vet = [&policy, address, fingerprint = std::move(fingerprint)](const protocol::hello& h) {
    const auto who = address.empty() ? "the peer named " + term::sanitize_for_terminal(h.name) : address;
    const auto v = policy.tls->vet(who, fingerprint);
    if (v.accepted && !v.message.empty()) policy.log(v.message);
    return v.accepted ? std::string() : v.message;
  };
  return cfg;
}

}  // namespace

awaitable<std::shared_ptr<participant>> admit(tcp::socket socket, const admission_policy& policy,
                                              std::optional<dialled> out, int peer_id, session_events& events) {
  const auto remote = describe_remote(socket);
  const auto refused = [&](const std::string& why) {
    policy.log("connection with " + remote + " closed before the handshake completed: " + why);
  };
  auto wire = out ? out->wire : wire_protocol::chat_node;
  std::vector<std::uint8_t> first_bytes;
  if (!out) {
    auto d = co_await detect_protocol(socket, policy.session.handshake_timeout);
    // A chat_node is told, in its own protocol, why it may not go on.
    if (policy.tls && d.protocol == wire_protocol::chat_node) co_await refuse_without_tls(socket);
    if (const auto why = refusal(d, policy.tls != nullptr); !why.empty()) {
      refused(why);
      co_return nullptr;
    }
    wire = *d.protocol == wire_protocol::tls ? wire_protocol::chat_node : *d.protocol;
    first_bytes = std::move(d.bytes);
  }

  if (wire != wire_protocol::chat_node) {
    if (!policy.secret.empty()) {
      refused(std::string("a ") + to_string(wire) + " peer cannot prove that it knows the secret");
      co_return nullptr;
    }
    co_return std::make_shared<teaching_session>(std::move(socket), wire, peer_id, policy.teaching, events,
                                                 first_bytes);
  }

  // The link: TLS first when asked for, so that everything after it is encrypted.
  auto cfg = policy.session;
  std::optional<link> l;
  if (!policy.tls) {
    l.emplace(std::move(socket));
  } else {
    auto& ctx = out ? policy.tls->client_context() : policy.tls->server_context();
    auto h = co_await tls_handshake(std::move(socket), ctx, !out, first_bytes, cfg.handshake_timeout);
    if (!h.stream) {
      refused(h.failure);
      co_return nullptr;
    }
    first_bytes.clear();  // what the listener read was the start of the TLS stream, and TLS has consumed it
    cfg = vetted(policy, out, std::move(h.peer_fingerprint));
    l.emplace(std::move(h.stream));
  }
  if (out) cfg.resume_key = out->resume_key;

  // Then the secret, over that link: nothing of the chat flows before it is proved.
  if (!policy.secret.empty()) {
    const auto role = out ? security::role::connector : security::role::listener;
    security::secret_exchange exchange(policy.secret, role);
    auto gate = co_await pass_secret_gate(*l, exchange, std::move(first_bytes), cfg.handshake_timeout);
    if (!gate.admitted) {
      // Both sides see a wrong secret; the connector reports it as the listener's refusal.
      const bool by_peer = role == security::role::connector && gate.error == protocol::errc::wrong_secret;
      policy.log((by_peer ? "refused by " : "refused ") + remote + ": " + gate.reason);
      co_return nullptr;
    }
    first_bytes = std::move(gate.rest);
    cfg.after_secret_exchange = true;
  }
  co_return std::make_shared<session>(std::move(*l), peer_id, std::move(cfg), events, first_bytes);
}

void serve(tcp::socket socket, const admission_policy& policy, std::optional<dialled> out, int peer_id,
           session_events& events, std::function<void(const std::shared_ptr<participant>&)> done) {
  const auto remote = describe_remote(socket);
  const auto executor = socket.get_executor();
  auto run = [](tcp::socket s, const admission_policy& pol, std::optional<dialled> o, int id,
                session_events& ev) -> awaitable<std::shared_ptr<participant>> {
    auto p = co_await admit(std::move(s), pol, std::move(o), id, ev);
    if (p) co_await p->run();
    co_return p;
  };
  net::co_spawn(
      executor, run(std::move(socket), policy, std::move(out), peer_id, events),
      [&policy, remote, done = std::move(done)](const std::exception_ptr& e, const std::shared_ptr<participant>& p) {
        if (e) policy.log("session with " + remote + " failed: " + what_failed(e));
        done(p);
      });
}

}  // namespace chatnode::peer
