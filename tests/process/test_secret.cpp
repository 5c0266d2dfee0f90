// --secret and CHAT_NODE_SECRET with real processes on 127.0.0.1: nodes that
// share the secret chat; a wrong or missing secret is refused on both sides
// with a message saying so, and the refused side never sees a name or a line;
// a recorded exchange replayed later is refused, as is a peer that cannot take part.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "chatnode/protocol/messages.hpp"
#include "chatnode/security/secret_exchange.hpp"
#include "support/child_process.hpp"
#include "support/raw_client.hpp"

using namespace test_support;
using stream = child_process::stream;
namespace security = chatnode::security;
namespace protocol = chatnode::protocol;

namespace {

const std::vector<std::string> text_only{"--no-video"};
/// Whatever the environment the tests run in, these nodes have no secret unless given one.
const std::vector<std::string> no_secret_env{"CHAT_NODE_SECRET="};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool printed(const child_process& p, stream s, const std::string& needle) {
  const auto& lines = p.lines(s);
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

/// After a refusal: neither side showed the other joining or anything it said.
void nothing_exchanged(const child_process& listener, const child_process& connector) {
  INFO("listener:\n" << listener.transcript(stream::out) << "connector:\n" << connector.transcript(stream::out));
  CHECK_FALSE(printed(listener, stream::out, "joined"));
  CHECK_FALSE(printed(connector, stream::out, "joined"));
  CHECK_FALSE(printed(listener, stream::out, "bob"));
  CHECK_FALSE(printed(connector, stream::out, "alice"));
  CHECK_FALSE(printed(listener, stream::out, "said by bob"));
  CHECK_FALSE(printed(connector, stream::out, "said by alice"));
}

/// Starts alice listening and bob connecting, each typing a line at once.
struct pair_of_nodes {
  listening_node alice;
  std::unique_ptr<child_process> bob;
  pair_of_nodes(std::vector<std::string> alice_args, std::vector<std::string> alice_env,
                std::vector<std::string> bob_args, std::vector<std::string> bob_env)
      : alice(start_listener("alice", with(text_only, alice_args), std::move(alice_env))),
        bob(start_connector(alice.port, "bob", with(text_only, bob_args), std::move(bob_env))) {
    // Typed before the connection is decided: it must wait, and never reach a refused peer.
    alice.process->write_stdin("said by alice\n");
    bob->write_stdin("said by bob\n");
  }
  std::string where() const { return "127.0.0.1:" + std::to_string(alice.port); }
};

/// A connection that has passed the secret exchange (written with the exchange
/// itself), appending all it sent to `recorded`; the hello is the caller's to send.
raw_client authenticated(unsigned short port, const std::string& secret, std::string& recorded) {
  raw_client c(port);
  security::secret_exchange exchange(secret, security::role::connector);
  const auto send = [&](const protocol::bytes& b) {
    recorded += as_string(b);
    c.send(as_string(b));
  };
  send(exchange.opening());
  const auto challenge = c.read_at_least(protocol::preamble.size() + protocol::header_size + 32, default_wait);
  REQUIRE_FALSE(challenge.closed);
  auto step = exchange.feed({reinterpret_cast<const std::uint8_t*>(challenge.bytes.data()), challenge.bytes.size()});
  REQUIRE(step.status == security::exchange_status::need_more);
  REQUIRE(step.consumed == challenge.bytes.size());
  send(step.reply);
  const auto proof = c.read_at_least(protocol::header_size + 32, default_wait);
  step = exchange.feed({reinterpret_cast<const std::uint8_t*>(proof.bytes.data()), proof.bytes.size()});
  REQUIRE(step.status == security::exchange_status::accepted);
  return c;
}

}  // namespace

TEST_CASE("nodes sharing a secret, one from CHAT_NODE_SECRET and one from --secret, join and chat both ways",
          "[process][secret]") {
  pair_of_nodes n({}, {"CHAT_NODE_SECRET=open sesame"}, {"--secret", "open sesame"}, {});
  INFO(n.alice.process->transcript(stream::err) << n.bob->transcript(stream::err));
  CHECK(n.alice.process->wait_for(stream::out, "] bob: said by bob"));
  CHECK(n.bob->wait_for(stream::out, "] alice: said by alice"));
  n.bob->write_stdin("and back again\n");
  n.alice.process->write_stdin("and forth\n");
  CHECK(n.alice.process->wait_for(stream::out, "] bob: and back again"));
  CHECK(n.bob->wait_for(stream::out, "] alice: and forth"));
  // Both say at start what the secret does not do.
  CHECK(n.alice.process->wait_for(stream::err, "nothing is encrypted"));
  CHECK(n.bob->wait_for(stream::err, "nothing is encrypted"));
  n.bob->write_stdin("/quit\n");
  CHECK(n.bob->wait_exit() == 0);
}

TEST_CASE("a wrong secret is refused on both sides and nothing else is exchanged", "[process][secret]") {
  pair_of_nodes n({"--secret", "the right one"}, {}, {"--secret", "a wrong one"}, {});
  INFO(n.alice.process->transcript(stream::err) << n.bob->transcript(stream::err));
  CHECK(n.bob->wait_for(stream::err, "refused by " + n.where() + ": wrong secret"));
  CHECK(n.alice.process->wait_for_line(stream::err, [](const std::string& l) {
    return l.find("refused 127.0.0.1:") != std::string::npos && l.ends_with(": wrong secret");
  }));
  CHECK(n.bob->wait_exit() == 1);
  nothing_exchanged(*n.alice.process, *n.bob);

  // The listener goes on serving: the next peer with the right secret joins and gets the waiting line.
  auto carol = start_connector(n.alice.port, "carol", with(text_only, {"--secret", "the right one"}), {});
  CHECK(carol->wait_for(stream::out, "] alice: said by alice"));
}

TEST_CASE("a connector without a secret is refused by a listener with one, on both sides", "[process][secret]") {
  pair_of_nodes n({"--secret", "s3cret"}, {}, {}, no_secret_env);
  INFO(n.alice.process->transcript(stream::err) << n.bob->transcript(stream::err));
  CHECK(n.bob->wait_for(stream::err, "the peer requires a secret (--secret or CHAT_NODE_SECRET)"));
  CHECK(n.alice.process->wait_for_line(stream::err, [](const std::string& l) {
    return l.find("refused 127.0.0.1:") != std::string::npos && l.ends_with(": the peer did not authenticate");
  }));
  CHECK(n.bob->wait_exit() == 1);
  nothing_exchanged(*n.alice.process, *n.bob);
}

TEST_CASE("a connector with a secret refuses a listener without one, on both sides", "[process][secret]") {
  pair_of_nodes n({}, no_secret_env, {"--secret", "s3cret"}, {});
  INFO(n.alice.process->transcript(stream::err) << n.bob->transcript(stream::err));
  CHECK(n.bob->wait_for(stream::err, "refused " + n.where() + ": the peer did not authenticate"));
  CHECK(n.alice.process->wait_for(stream::err, "the peer requires a secret (--secret or CHAT_NODE_SECRET)"));
  CHECK(n.bob->wait_exit() == 1);
  // The listener without a secret sent its hello at once (protocol section 1), but
  // bob never showed it, and no text went either way.
  nothing_exchanged(*n.alice.process, *n.bob);
}

TEST_CASE("an authenticated exchange recorded and replayed on a new connection is refused", "[process][secret]") {
  auto alice = start_listener("alice", with(text_only, {"--secret", "s3cret"}), {});
  std::string recorded;

  {
    // A legitimate connector, written with the exchange itself, records everything it sends.
    auto mallory = authenticated(alice.port, "s3cret", recorded);
    const auto send = [&](const protocol::bytes& b) {
      recorded += as_string(b);
      mallory.send(as_string(b));
    };
    send(protocol::encode(protocol::hello{protocol::protocol_version, 7, protocol::cap_text, "mallory"}));
    send(protocol::encode(protocol::text_message{1, 0, "mallory", "words worth replaying"}));
    INFO(alice.process->transcript(stream::err));
    REQUIRE(alice.process->wait_for(stream::out, "] mallory: words worth replaying"));
  }

  raw_client replay(alice.port);
  replay.send(recorded);
  const auto answer = replay.read_until_closed(default_wait);
  CHECK(answer.closed);
  INFO(alice.process->transcript(stream::err));
  CHECK(alice.process->wait_for_line(stream::err, [](const std::string& l) {
    return l.find("refused 127.0.0.1:") != std::string::npos && l.ends_with(": wrong secret");
  }));
  // The replay got only what anyone gets: the preamble and a fresh challenge. No
  // proof (the listener proves only to a connector that has), and no hello.
  CHECK(answer.bytes.size() == protocol::preamble.size() + protocol::header_size + 32);
  CHECK(answer.bytes.find("alice") == std::string::npos);
  // The replayed hello and text were never taken: one join, one line, from the first connection.
  CHECK(alice.process->wait_for_count(
            stream::out,
            [](const std::string& l) { return l.find("* mallory (") != std::string::npos && l.ends_with(" joined"); },
            2, 0ms) == 1);
  CHECK(alice.process->wait_for_count(
            stream::out, [](const std::string& l) { return l.find("words worth replaying") != std::string::npos; }, 2,
            0ms) == 1);
}

TEST_CASE("a listener with a secret refuses a raw-text peer, which cannot authenticate", "[process][secret]") {
  auto alice = start_listener("alice", with(text_only, {"--secret", "s3cret"}), {});
  raw_client nc(alice.port);
  nc.send("hello from nc\n");
  const auto answer = nc.read_until_closed(default_wait);
  CHECK(answer.closed);
  CHECK(answer.bytes.empty());
  CHECK(alice.process->wait_for(stream::err, "a raw-text peer cannot prove that it knows the secret"));
  CHECK_FALSE(printed(*alice.process, stream::out, "hello from nc"));
}

TEST_CASE("a peer that starts the exchange and goes silent is closed at the handshake deadline", "[process][secret]") {
  auto alice = start_listener("alice", with(text_only, {"--secret", "s3cret"}), {});
  raw_client silent(alice.port);
  silent.send(std::string(protocol::preamble.begin(), protocol::preamble.end()));
  const auto answer = silent.read_until_closed(default_wait);
  CHECK(answer.closed);
  CHECK(alice.process->wait_for(stream::err, "no secret exchange within 5000 ms"));
}

TEST_CASE("a peer that passes the secret exchange and sends no hello is closed at the hello deadline",
          "[process][secret]") {
  auto alice = start_listener("alice", with(text_only, {"--secret", "s3cret"}), {});
  std::string recorded;
  auto quiet = authenticated(alice.port, "s3cret", recorded);
  const auto answer = quiet.read_until_closed(default_wait);
  CHECK(answer.closed);
  INFO(alice.process->transcript(stream::err));
  CHECK(alice.process->wait_for(stream::err, "no handshake within 5000 ms"));
}
