#include "chatnode/security/secret_exchange.hpp"

#include <algorithm>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <boost/endian/conversion.hpp>

#include "chatnode/protocol/errors.hpp"

namespace chatnode::security {
namespace {

using protocol::auth_frame_type;
using protocol::errc;

static_assert(protocol::auth_nonce_bytes == protocol::auth_mac_bytes, "feed() checks one length for both frames");

role other(role r) { return r == role::listener ? role::connector : role::listener; }

template <std::size_t N>
protocol::bytes encode_frame(auth_frame_type type, const std::array<std::uint8_t, N>& payload) {
  protocol::bytes out(protocol::header_size + N, 0);
  out[0] = static_cast<std::uint8_t>(type);
  boost::endian::store_big_u32(&out[4], static_cast<std::uint32_t>(N));
  std::copy(payload.begin(), payload.end(), out.begin() + protocol::header_size);
  return out;
}

}  // namespace

std::string_view to_string(role r) { return r == role::listener ? "listener" : "connector"; }

mac proof_of(std::string_view secret, role prover, const nonce& prover_nonce, const nonce& verifier_nonce) {
  const auto who = to_string(prover);
  protocol::bytes input;
  input.reserve(mac_label.size() + who.size() + prover_nonce.size() + verifier_nonce.size());
  input.insert(input.end(), mac_label.begin(), mac_label.end());
  input.insert(input.end(), who.begin(), who.end());
  input.insert(input.end(), prover_nonce.begin(), prover_nonce.end());
  input.insert(input.end(), verifier_nonce.begin(), verifier_nonce.end());

  mac out{};
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), input.data(), input.size(), out.data(),
            &length) ||
      length != out.size())
    throw std::runtime_error("HMAC-SHA256 failed");
  return out;
}

protocol::bytes encode_challenge(const nonce& n) { return encode_frame(auth_frame_type::challenge, n); }
protocol::bytes encode_proof(const mac& m) { return encode_frame(auth_frame_type::proof, m); }

secret_exchange::secret_exchange(std::string_view secret, role ours) : secret_(secret), ours_(ours) {
  if (RAND_bytes(our_nonce_.data(), static_cast<int>(our_nonce_.size())) != 1)
    throw std::runtime_error("no random bytes for the secret exchange (RAND_bytes failed)");
}

secret_exchange::secret_exchange(std::string_view secret, role ours, const nonce& our_nonce)
    : secret_(secret), ours_(ours), our_nonce_(our_nonce) {}

secret_exchange::~secret_exchange() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

protocol::bytes secret_exchange::opening() const {
  protocol::bytes out(protocol::preamble.begin(), protocol::preamble.end());
  const auto challenge = encode_challenge(our_nonce_);
  out.insert(out.end(), challenge.begin(), challenge.end());
  return out;
}

exchange_step secret_exchange::finish(exchange_step step, state s, boost::system::error_code error) {
  state_ = s;
  error_ = error;
  step.status = s == state::accepted ? exchange_status::accepted : exchange_status::refused;
  step.error = error;
  return step;
}

exchange_step secret_exchange::feed(std::span<const std::uint8_t> data) {
  exchange_step step;
  if (state_ == state::accepted) return step.status = exchange_status::accepted, step;
  if (state_ == state::refused) return finish(std::move(step), state::refused, error_);

  if (state_ == state::preamble) {
    // As the frame parser does: a wrong byte refuses at once, without waiting for the rest.
    const auto n = std::min(data.size(), protocol::preamble.size());
    if (!std::equal(data.begin(), data.begin() + n, protocol::preamble.begin()))
      return finish(std::move(step), state::refused, errc::bad_preamble);
    if (n < protocol::preamble.size()) return step;
    step.consumed = n;
    state_ = state::challenge;
  }

  while (data.size() - step.consumed >= protocol::header_size) {
    const auto frame = data.subspan(step.consumed);
    const std::uint8_t type = frame[0];
    const std::uint32_t length = boost::endian::load_big_u32(&frame[4]);
    // A node without a secret starts with its hello: it cannot take part.
    if (state_ == state::challenge && type == static_cast<std::uint8_t>(protocol::frame_type::hello))
      return finish(std::move(step), state::refused, errc::not_authenticated);
    const auto expected = state_ == state::challenge ? auth_frame_type::challenge : auth_frame_type::proof;
    // Both payloads are 32 bytes; anything else is refused from the header alone.
    if (type != static_cast<std::uint8_t>(expected) || frame[1] != 0 || frame[2] != 0 || frame[3] != 0 ||
        length != protocol::auth_nonce_bytes)
      return finish(std::move(step), state::refused, errc::bad_auth_frame);
    if (frame.size() < protocol::header_size + length) return step;

    const auto payload = frame.subspan(protocol::header_size, length);
    step.consumed += protocol::header_size + length;
    if (state_ == state::challenge) {
      std::copy(payload.begin(), payload.end(), peer_nonce_.begin());
      // Our own nonce sent back is no challenge: whoever reflects it is not a peer.
      if (peer_nonce_ == our_nonce_) return finish(std::move(step), state::refused, errc::bad_auth_frame);
      // The connector proves first. A listener proves only to a peer that has
      // proved itself, so a stranger who connects gets no MAC to test guesses of
      // the secret against.
      if (ours_ == role::connector) step.reply = encode_proof(proof_of(secret_, ours_, our_nonce_, peer_nonce_));
      state_ = state::proof;
      continue;
    }
    const auto expected_mac = proof_of(secret_, other(ours_), peer_nonce_, our_nonce_);
    const bool good = CRYPTO_memcmp(payload.data(), expected_mac.data(), expected_mac.size()) == 0;
    if (!good) return finish(std::move(step), state::refused, errc::wrong_secret);
    if (ours_ == role::listener) step.reply = encode_proof(proof_of(secret_, ours_, our_nonce_, peer_nonce_));
    return finish(std::move(step), state::accepted);
  }
  return step;
}

}  // namespace chatnode::security
