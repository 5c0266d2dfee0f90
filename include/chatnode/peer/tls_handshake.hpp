// The TLS step between accepting (or connecting) and the session, for --tls
// nodes, and the plain-text refusal a --tls node gives a peer without TLS.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "chatnode/net.hpp"
#include "chatnode/peer/link.hpp"

namespace chatnode::peer {

struct tls_handshake_result {
  std::unique_ptr<link::tls_stream> stream;  ///< null when the handshake failed
  std::string failure;                       ///< why, for the log
  std::string peer_fingerprint;              ///< of the certificate the peer presented
};

/// Runs the handshake on `socket` (as the accepting side when `server`),
/// within `deadline`. `already_read` is what the listener read to recognise
/// the ClientHello; it is handed to TLS as the start of the stream.
awaitable<tls_handshake_result> tls_handshake(tcp::socket socket, net::ssl::context& ctx, bool server,
                                              std::span<const std::uint8_t> already_read,
                                              std::chrono::milliseconds deadline);

/// Tells a chat_node peer without TLS, in its own plain protocol, that this
/// node speaks TLS only (a bye in place of hello), and closes.
awaitable<void> refuse_without_tls(tcp::socket& socket);

}  // namespace chatnode::peer
