// From a connected socket to a participant ready to run: recognising an
// accepted peer's protocol, refusing what this node does not speak, TLS, then
// the secret exchange, in that order so that nothing of the chat (not even the
// secret's proof) crosses the network unencrypted when TLS is on.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "chatnode/net.hpp"
#include "chatnode/peer/participant.hpp"
#include "chatnode/peer/session.hpp"
#include "chatnode/peer/session_events.hpp"
#include "chatnode/peer/teaching_session.hpp"
#include "chatnode/protocol/sniff.hpp"
#include "chatnode/security/tls_setup.hpp"

namespace chatnode::peer {

/// A connection we made, as opposed to one we accepted.
struct dialled {
  protocol::wire_protocol wire = protocol::wire_protocol::chat_node;  ///< what to speak
  std::string address;                                                ///< what we dialled, as the user wrote it
  std::string resume_key;                                             ///< see session_config::resume_key
};

/// What every connection is held to. Constant while the node runs, so that
/// admissions on many strands read it without a lock.
struct admission_policy {
  session_config session;              ///< every chat_node session starts from these
  teaching_config teaching;            ///< and every teaching-program session from these
  security::tls_setup* tls = nullptr;  ///< with --tls: TLS only, its peers vetted against the pins
  std::string secret;                  ///< with --secret: only peers that prove they know it
  std::function<void(const std::string&)> log;
};

/// Runs on the socket's strand. Returns the participant, not yet running, or
/// null when the connection was refused or ended first (the reason is logged).
/// `out` is empty for an accepted connection, which speaks what its first bytes show.
awaitable<std::shared_ptr<participant>> admit(tcp::socket socket, const admission_policy& policy,
                                              std::optional<dialled> out, int peer_id, session_events& events);

/// Admits the connection and runs what it becomes, on the socket's strand;
/// then `done` (on that strand) with the participant, null when it was
/// refused. A failure is logged as the policy logs.
void serve(tcp::socket socket, const admission_policy& policy, std::optional<dialled> out, int peer_id,
           session_events& events, std::function<void(const std::shared_ptr<participant>&)> done);

}  // namespace chatnode::peer
