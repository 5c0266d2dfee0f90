// A connection's step before its session when the node has a secret: runs the
// secret exchange (security/secret_exchange.hpp) over the link (plain, or inside TLS), within the
// handshake deadline, so nothing but the preamble, a nonce and a proof goes
// to a peer before it has proved that it knows the secret.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "chatnode/net.hpp"
#include "chatnode/peer/link.hpp"
#include "chatnode/security/secret_exchange.hpp"

namespace chatnode::peer {

struct gate_result {
  bool admitted = false;
  error_code error;                ///< why not, from the exchange (wrong_secret, ...) or the socket
  std::string reason;              ///< the same for a person to read
  std::vector<std::uint8_t> rest;  ///< bytes received after the exchange: the start of the peer's hello
};

/// `already_read` is what a listener read to recognise the protocol (the peer's first bytes).
/// Runs on the link's strand.
awaitable<gate_result> pass_secret_gate(link& l, security::secret_exchange& exchange,
                                        std::vector<std::uint8_t> already_read, std::chrono::milliseconds deadline);

}  // namespace chatnode::peer
