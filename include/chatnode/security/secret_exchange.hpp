// The secret exchange that admits a peer before its hello (docs/PROTOCOL.md,
// section 6). No I/O: it hands out the bytes to send and consumes the bytes
// received, so it is tested without sockets. Each side sends a fresh random
// nonce, then proves that it knows the secret with an HMAC over its role and
// both nonces, the connector first; a proof is good for one connection, one
// direction only.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/messages.hpp"

namespace chatnode::security {

enum class role : std::uint8_t {
  listener,   ///< accepted the connection
  connector,  ///< opened it
};

/// "listener" or "connector": the bytes that go into the MAC.
std::string_view to_string(role r);

using nonce = std::array<std::uint8_t, protocol::auth_nonce_bytes>;
using mac = std::array<std::uint8_t, protocol::auth_mac_bytes>;

/// The MAC input starts with this, so a proof is never valid for anything else keyed with the same secret.
constexpr std::string_view mac_label = "chat_node secret exchange v1";

/// HMAC-SHA256 keyed with `secret` over mac_label || to_string(prover) ||
/// prover_nonce || verifier_nonce: what `prover` sends to show it knows the secret.
mac proof_of(std::string_view secret, role prover, const nonce& prover_nonce, const nonce& verifier_nonce);

/// A challenge or proof frame: header and 32-byte payload.
protocol::bytes encode_challenge(const nonce& n);
protocol::bytes encode_proof(const mac& m);

enum class exchange_status {
  need_more,  ///< nothing decided yet: feed more bytes
  accepted,   ///< the peer knows the secret; what follows the consumed bytes is its hello
  refused,    ///< close the connection; `error` says why
};

struct exchange_step {
  exchange_status status = exchange_status::need_more;
  std::size_t consumed = 0;         ///< bytes of the data fed that the exchange used; drop them
  protocol::bytes reply;            ///< send this now, before acting on `status` (our proof); may be empty
  boost::system::error_code error;  ///< why, when refused
};

class secret_exchange {
 public:
  /// Draws our nonce from OpenSSL's random generator (RAND_bytes); throws if it has none to give.
  secret_exchange(std::string_view secret, role ours);
  /// With a nonce chosen by the caller: for tests.
  secret_exchange(std::string_view secret, role ours, const nonce& our_nonce);
  ~secret_exchange();
  secret_exchange(const secret_exchange&) = delete;
  secret_exchange& operator=(const secret_exchange&) = delete;

  /// The first bytes to send: the preamble and our challenge.
  protocol::bytes opening() const;

  /// Consumes the peer's stream from its first byte on, as far as `data` goes.
  /// The caller keeps a buffer, appends what arrives, and drops `consumed`
  /// bytes after each call. Once accepted or refused, it consumes nothing more.
  exchange_step feed(std::span<const std::uint8_t> data);

  const nonce& our_nonce() const { return our_nonce_; }
  /// A connector whose proof is out and who waits for the listener's: a close
  /// now means the listener found our proof wrong (it sends nothing then).
  bool awaiting_listener_proof() const { return ours_ == role::connector && state_ == state::proof; }

 private:
  enum class state {
    preamble,   ///< the peer's preamble is (partly) missing
    challenge,  ///< waiting for the peer's nonce
    proof,      ///< waiting for the peer's proof (a connector's own is out)
    accepted,
    refused,
  };

  exchange_step finish(exchange_step step, state s, boost::system::error_code error = {});

  std::string secret_;
  role ours_;
  nonce our_nonce_{};
  nonce peer_nonce_{};
  state state_ = state::preamble;
  boost::system::error_code error_;
};

}  // namespace chatnode::security
