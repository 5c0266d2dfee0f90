// The admission pipeline on real loopback connections: what an accepted
// connection's first bytes show decides what it becomes, or why it is refused.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/use_future.hpp>

#include "chatnode/peer/admission.hpp"
#include "chatnode/protocol/frame.hpp"
#include "peer/recorded_events.hpp"
#include "support/raw_client.hpp"

namespace admission_test {

using namespace std::chrono_literals;
namespace peer = chatnode::peer;
namespace net = chatnode::net;
using chatnode::tcp;

/// One accepted connection put through peer::admit() while a raw client sends `first`.
struct admitted {
  std::string kind;  ///< "session", "teaching session", or "refused"
  std::vector<std::string> log;
  std::string sent_back;  ///< what the refused client read before the close
};

admitted admit_bytes(std::string_view first, peer::admission_policy policy) {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, {net::ip::make_address("127.0.0.1"), 0}};
  test_support::raw_client client(acceptor.local_endpoint().port());
  tcp::socket socket(net::make_strand(ioc));
  acceptor.accept(socket);

  admitted result;
  std::mutex mutex;
  policy.session.handshake_timeout = 2s;
  policy.log = [&](const std::string& line) {
    std::lock_guard lock(mutex);
    result.log.push_back(line);
  };
  peer_test::recorded_events events;
  const auto executor = socket.get_executor();
  auto done = net::co_spawn(executor, peer::admit(std::move(socket), policy, std::nullopt, 1, events), net::use_future);
  std::thread runner([&] { ioc.run(); });
  client.send(first);
  const bool finished = done.wait_for(10s) == std::future_status::ready;
  if (finished) {
    // Not run: dropped before the io_context stops.
    const auto p = done.get();
    result.kind = !p                                               ? "refused"
                  : dynamic_cast<peer::teaching_session*>(p.get()) ? "teaching session"
                  : dynamic_cast<peer::session*>(p.get())          ? "session"
                                                                   : "unknown";
  }
  // Refused connections are closed: what the client reads ends there.
  if (result.kind == "refused") result.sent_back = client.read_until_closed(2s).bytes;
  ioc.stop();
  runner.join();
  REQUIRE(finished);
  return result;
}

bool logged(const admitted& a, std::string_view needle) {
  for (const auto& line : a.log)
    if (line.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace admission_test

using admission_test::admit_bytes;
using admission_test::logged;

TEST_CASE("an HTTP request on the chat port is refused, with the web port named", "[admission]") {
  const auto a = admit_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", {});
  CHECK(a.kind == "refused");
  CHECK(logged(a, "an HTTP request on the chat port (the web page is served on the --web port)"));
}

TEST_CASE("plain text becomes a teaching-program session, unless a secret is asked for", "[admission]") {
  SECTION("no secret") {
    const auto a = admit_bytes("hello there\n", {});
    CHECK(a.kind == "teaching session");
    CHECK(a.log.empty());
  }
  SECTION("with a secret") {
    peer::admission_policy policy;
    policy.secret = "open sesame";
    const auto a = admit_bytes("hello there\n", policy);
    CHECK(a.kind == "refused");
    CHECK(logged(a, "a raw-text peer cannot prove that it knows the secret"));
  }
}

TEST_CASE("the chat_node preamble becomes a session; a TLS-only node refuses it and says why", "[admission]") {
  const std::string preamble(chatnode::protocol::preamble.begin(), chatnode::protocol::preamble.end());
  SECTION("plain") {
    const auto a = admit_bytes(preamble, {});
    CHECK(a.kind == "session");
  }
  SECTION("TLS only") {
    const auto dir = std::filesystem::temp_directory_path() / ("admission-test-" + std::to_string(::getpid()));
    chatnode::security::tls_setup tls(dir, "tester", {}, false);
    peer::admission_policy policy;
    policy.tls = &tls;
    const auto a = admit_bytes(preamble, policy);
    std::filesystem::remove_all(dir);
    CHECK(a.kind == "refused");
    CHECK(logged(a, "a chat_node without TLS (it was told that this node accepts TLS only)"));
    // Told in its own protocol, in a bye after our preamble.
    CHECK(a.sent_back.rfind(preamble, 0) == 0);
    CHECK(a.sent_back.find("this node accepts TLS connections only") != std::string::npos);
  }
  SECTION("a TLS client to a node without TLS") {
    // A TLS 1.x record header: handshake (0x16), version 3.1.
    const auto a = admit_bytes(std::string("\x16\x03\x01\x00\x40\x01", 6), {});
    CHECK(a.kind == "refused");
    CHECK(logged(a, "a TLS client (this node was started without --tls)"));
  }
}
