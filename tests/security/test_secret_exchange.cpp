// security::secret_exchange without sockets: two exchanges hand each other their
// bytes as a connection would, in any split; forged, reflected, replayed and
// malformed input is refused, and nothing but the exchange is ever consumed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <boost/endian/conversion.hpp>

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/security/secret_exchange.hpp"

namespace proto = chatnode::protocol;
using chatnode::security::exchange_status;
using chatnode::security::nonce;
using chatnode::security::role;
using chatnode::security::secret_exchange;
using proto::bytes;
using proto::errc;

namespace {

nonce nonce_of(std::uint8_t fill) {
  nonce n;
  n.fill(fill);
  return n;
}

bytes cat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// One side of a connection: its exchange, the bytes it has received but not
/// consumed, and everything it has sent.
struct side {
  secret_exchange exchange;
  bytes inbox;
  bytes sent;
  exchange_status status = exchange_status::need_more;
  boost::system::error_code error;

  side(const std::string& secret, role r, const nonce& n) : exchange(secret, r, n), sent(exchange.opening()) {}

  /// Delivers `data` and lets the exchange consume what it can; returns its reply.
  bytes receive(std::span<const std::uint8_t> data) {
    inbox.insert(inbox.end(), data.begin(), data.end());
    const auto step = exchange.feed(inbox);
    REQUIRE(step.consumed <= inbox.size());
    inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(step.consumed));
    status = step.status;
    error = step.error;
    sent.insert(sent.end(), step.reply.begin(), step.reply.end());
    return step.reply;
  }
};

/// Runs the exchange between two sides to its end, each reading the other's
/// bytes `chunk` at a time.
void run(side& a, side& b, std::size_t chunk) {
  std::size_t a_read = 0, b_read = 0;  // how much of the other's `sent` each has received
  for (int round = 0; round < 10000; ++round) {
    bool moved = false;
    if (a.status == exchange_status::need_more && a_read < b.sent.size()) {
      const auto n = std::min(chunk, b.sent.size() - a_read);
      a.receive(std::span(b.sent).subspan(a_read, n));
      a_read += n;
      moved = true;
    }
    if (b.status == exchange_status::need_more && b_read < a.sent.size()) {
      const auto n = std::min(chunk, a.sent.size() - b_read);
      b.receive(std::span(a.sent).subspan(b_read, n));
      b_read += n;
      moved = true;
    }
    if (!moved) return;
  }
  FAIL("the exchange did not end");
}

bytes header(std::uint8_t type, std::uint32_t length) {
  bytes h(proto::header_size, 0);
  h[0] = type;
  boost::endian::store_big_u32(&h[4], length);
  return h;
}

constexpr std::uint8_t challenge_type = static_cast<std::uint8_t>(proto::auth_frame_type::challenge);
constexpr std::uint8_t proof_type = static_cast<std::uint8_t>(proto::auth_frame_type::proof);

bytes preamble() { return bytes(proto::preamble.begin(), proto::preamble.end()); }

}  // namespace

TEST_CASE("Two sides with the same secret both accept, whatever the split of the bytes", "[auth]") {
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{8}, std::size_t{41}, std::size_t{1000}}) {
    CAPTURE(chunk);
    side listener("correct horse", role::listener, nonce_of(1));
    side connector("correct horse", role::connector, nonce_of(2));
    run(listener, connector, chunk);
    CHECK(listener.status == exchange_status::accepted);
    CHECK(connector.status == exchange_status::accepted);
    CHECK(listener.inbox.empty());
    CHECK(connector.inbox.empty());
    // Each sent exactly preamble, challenge and proof: 8 + 40 + 40 bytes.
    CHECK(listener.sent.size() == 88);
    CHECK(connector.sent.size() == 88);
  }
}

TEST_CASE("Fresh exchanges draw different nonces from the random generator", "[auth]") {
  const secret_exchange a("s", role::listener), b("s", role::listener);
  CHECK(a.our_nonce() != b.our_nonce());
  CHECK(a.opening() != b.opening());
}

TEST_CASE("A wrong secret is refused by the listener, which gives away no proof of its own", "[auth]") {
  side listener("one secret", role::listener, nonce_of(1));
  side connector("another secret", role::connector, nonce_of(2));
  run(listener, connector, 1000);
  CHECK(listener.status == exchange_status::refused);
  CHECK(listener.error == errc::wrong_secret);
  CHECK(listener.error.message() == "wrong secret");
  // The listener sent only its preamble and challenge; the connector waits for a
  // proof that never comes, and reads the listener's close as the refusal.
  CHECK(listener.sent.size() == 48);
  CHECK(connector.status == exchange_status::need_more);
  CHECK(connector.exchange.awaiting_listener_proof());
}

TEST_CASE("A listener proves only after the connector has: a stranger gets no MAC to guess against", "[auth]") {
  side listener("s", role::listener, nonce_of(1));
  const auto reply = listener.receive(cat({preamble(), chatnode::security::encode_challenge(nonce_of(2))}));
  CHECK(reply.empty());
  CHECK(listener.status == exchange_status::need_more);
  const auto proof = chatnode::security::proof_of("s", role::connector, nonce_of(2), nonce_of(1));
  const auto answer = listener.receive(chatnode::security::encode_proof(proof));
  CHECK(listener.status == exchange_status::accepted);
  CHECK(answer ==
        chatnode::security::encode_proof(chatnode::security::proof_of("s", role::listener, nonce_of(1), nonce_of(2))));
}

TEST_CASE("The bytes after the peer's proof are left for the session", "[auth]") {
  side listener("s", role::listener, nonce_of(1));
  listener.receive(cat({preamble(), chatnode::security::encode_challenge(nonce_of(2))}));
  const auto proof = chatnode::security::proof_of("s", role::connector, nonce_of(2), nonce_of(1));
  const auto hello = proto::encode(proto::hello{1, 7, proto::cap_text, "bob"});
  listener.receive(cat({chatnode::security::encode_proof(proof), hello}));
  CHECK(listener.status == exchange_status::accepted);
  CHECK(listener.inbox == hello);
  // Once decided, nothing more is consumed.
  const auto again = listener.exchange.feed(listener.inbox);
  CHECK(again.status == exchange_status::accepted);
  CHECK(again.consumed == 0);
}

TEST_CASE("A proof computed for the other role (a reflected proof) is refused", "[auth]") {
  // A listener's proof over (nonce_L, nonce_A), however obtained, sent back to
  // it as a connector's: keyed right and covering both nonces, but naming the listener.
  side listener("s", role::listener, nonce_of(1));
  listener.receive(cat({preamble(), chatnode::security::encode_challenge(nonce_of(9))}));
  listener.receive(
      chatnode::security::encode_proof(chatnode::security::proof_of("s", role::listener, nonce_of(1), nonce_of(9))));
  CHECK(listener.status == exchange_status::refused);
  CHECK(listener.error == errc::wrong_secret);

  // And a connector's own proof reflected to it as the listener's.
  side connector("s", role::connector, nonce_of(3));
  const auto own = connector.receive(cat({preamble(), chatnode::security::encode_challenge(nonce_of(4))}));
  REQUIRE(own.size() == proto::header_size + proto::auth_mac_bytes);
  REQUIRE(own[0] == proof_type);
  connector.receive(own);
  CHECK(connector.status == exchange_status::refused);
  CHECK(connector.error == errc::wrong_secret);

  // Likewise a proof naming the right nonces in the connector's order but the listener's role.
  side second("s", role::listener, nonce_of(1));
  second.receive(cat({preamble(), chatnode::security::encode_challenge(nonce_of(9))}));
  second.receive(
      chatnode::security::encode_proof(chatnode::security::proof_of("s", role::listener, nonce_of(9), nonce_of(1))));
  CHECK(second.status == exchange_status::refused);
  CHECK(second.error == errc::wrong_secret);
}

TEST_CASE("Our own nonce sent back as the peer's challenge is refused", "[auth]") {
  side listener("s", role::listener, nonce_of(1));
  listener.receive(cat({preamble(), chatnode::security::encode_challenge(nonce_of(1))}));
  CHECK(listener.status == exchange_status::refused);
  CHECK(listener.error == errc::bad_auth_frame);
}

TEST_CASE("A connector's bytes recorded from an earlier exchange are refused by a listener with a new nonce",
          "[auth]") {
  side first_listener("s", role::listener, nonce_of(1));
  side connector("s", role::connector, nonce_of(2));
  run(first_listener, connector, 1000);
  REQUIRE(first_listener.status == exchange_status::accepted);

  side next_listener("s", role::listener, nonce_of(3));
  next_listener.receive(connector.sent);
  CHECK(next_listener.status == exchange_status::refused);
  CHECK(next_listener.error == errc::wrong_secret);
}

TEST_CASE("A peer that starts with its hello has not authenticated", "[auth]") {
  side listener("s", role::listener, nonce_of(1));
  listener.receive(proto::encode_greeting(proto::hello{1, 7, proto::cap_text, "mallory"}));
  CHECK(listener.status == exchange_status::refused);
  CHECK(listener.error == errc::not_authenticated);
  CHECK(listener.error.message() == "the peer did not authenticate");
}

TEST_CASE("Malformed, short, oversized and out-of-order auth frames are refused", "[auth]") {
  const auto good_challenge = chatnode::security::encode_challenge(nonce_of(2));
  bytes flagged = good_challenge;
  flagged[1] = 1;
  bytes reserved = good_challenge;
  reserved[3] = 1;

  struct bad_input {
    const char* what;
    bytes data;
    errc expected;
  };
  const std::vector<bad_input> inputs{
      {"not the preamble", {0x89, 'X'}, errc::bad_preamble},
      {"a short challenge", cat({preamble(), header(challenge_type, 31), bytes(31, 7)}), errc::bad_auth_frame},
      {"a long challenge", cat({preamble(), header(challenge_type, 33), bytes(33, 7)}), errc::bad_auth_frame},
      {"a huge length", cat({preamble(), header(challenge_type, 0xFFFFFFFF)}), errc::bad_auth_frame},
      {"flags set", cat({preamble(), flagged}), errc::bad_auth_frame},
      {"reserved set", cat({preamble(), reserved}), errc::bad_auth_frame},
      {"a proof first", cat({preamble(), header(proof_type, 32), bytes(32, 7)}), errc::bad_auth_frame},
      {"a text first", cat({preamble(), proto::encode(proto::text_message{1, 0, "m", "hi"})}), errc::bad_auth_frame},
      {"two challenges", cat({preamble(), good_challenge, chatnode::security::encode_challenge(nonce_of(3))}),
       errc::bad_auth_frame},
      {"a short proof", cat({preamble(), good_challenge, header(proof_type, 16), bytes(16, 7)}), errc::bad_auth_frame},
      {"a hello instead of the proof", cat({preamble(), good_challenge, proto::encode(proto::hello{})}),
       errc::bad_auth_frame},
  };
  for (const auto& input : inputs) {
    CAPTURE(input.what);
    side listener("s", role::listener, nonce_of(1));
    listener.receive(input.data);
    CHECK(listener.status == exchange_status::refused);
    CHECK(listener.error == input.expected);
  }
}

TEST_CASE("An incomplete exchange waits for more and decides nothing", "[auth]") {
  side listener("s", role::listener, nonce_of(1));
  const auto start = cat({preamble(), chatnode::security::encode_challenge(nonce_of(2))});
  for (std::size_t i = 0; i + 1 < start.size(); ++i) {
    listener.receive(std::span(start).subspan(i, 1));
    CHECK(listener.status == exchange_status::need_more);
  }
  const auto reply = listener.receive(std::span(start).subspan(start.size() - 1));
  CHECK(listener.status == exchange_status::need_more);
  CHECK(reply.empty());  // a listener waits for the connector's proof before giving its own
  side connector("s", role::connector, nonce_of(2));
  const auto opening = cat({preamble(), chatnode::security::encode_challenge(nonce_of(1))});
  for (std::size_t i = 0; i + 1 < opening.size(); ++i)
    CHECK(connector.receive(std::span(opening).subspan(i, 1)).empty());
  CHECK(connector.receive(std::span(opening).subspan(opening.size() - 1)).size() ==
        proto::header_size + proto::auth_mac_bytes);
}

TEST_CASE("The proof is HMAC-SHA256 over the label, the prover's role and both nonces", "[auth]") {
  // Computed independently, as docs/PROTOCOL.md section 6 describes it, with Python's hmac:
  // hmac.new(b"Jefe", b"chat_node secret exchange v1" + b"connector" + b"\xaa" * 32 + b"\xbb" * 32,
  //          hashlib.sha256).hexdigest()
  const auto p = chatnode::security::proof_of("Jefe", role::connector, nonce_of(0xAA), nonce_of(0xBB));
  std::string hex;
  for (const auto b : p) {
    constexpr char digits[] = "0123456789abcdef";
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  CHECK(hex == "72896a0ac02f675b2e64b7aba77e7942439304251ab6552a3d1e694f8a4d5110");
  CHECK(p != chatnode::security::proof_of("Jefe", role::listener, nonce_of(0xAA), nonce_of(0xBB)));
  CHECK(p != chatnode::security::proof_of("Jefe", role::connector, nonce_of(0xBB), nonce_of(0xAA)));
}
