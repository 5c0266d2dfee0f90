// --tls: two real nodes on 127.0.0.1 with identities of their own. They chat
// and stream over TLS 1.3, learn each other's fingerprint and hold each other
// to it, refuse a pinned mismatch and a plain peer with a clear message, and a
// capture of their traffic holds none of the chat text.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "support/chat_lines.hpp"
#include "support/child_process.hpp"
#include "support/stats_table.hpp"
#include "support/temp_dir.hpp"

using namespace test_support;
using stream = child_process::stream;

namespace {

/// The fingerprint a --tls node printed at start.
std::string printed_fingerprint(child_process& p) {
  const auto line = p.wait_for(stream::err, "TLS 1.3: this node is sha256:");
  INFO(p.transcript(stream::err));
  REQUIRE(line);
  std::smatch m;
  REQUIRE(std::regex_search(*line, m, std::regex("sha256:[0-9a-f]{64}")));
  return m[0];
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> tls_options(const std::filesystem::path& dir, std::vector<std::string> more = {}) {
  std::vector<std::string> o{"--tls", "--config-dir", dir.string(), "--no-video"};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}

/// A fingerprint nobody has.
const std::string stranger = "sha256:" + std::string(64, '0');

}  // namespace

TEST_CASE("a TLS pair chats and streams, and each records the other's fingerprint", "[process][tls]") {
  temp_dir dir;
  auto alice = start_listener("alice", {"--tls", "--config-dir", (dir.path / "alice").string(), "--test-pattern",
                                        "--size", "160x120", "--fps", "15"});
  const auto alice_fp = printed_fingerprint(*alice.process);
  CHECK(alice.process->wait_for(stream::err, "(a new identity, in " + (dir.path / "alice").string() + ")"));
  auto bob = start_connector(
      alice.port, "bob",
      {"--tls", "--config-dir", (dir.path / "bob").string(), "--test-pattern", "--size", "160x120", "--fps", "15"});
  const auto bob_fp = printed_fingerprint(*bob);
  CHECK(alice_fp != bob_fp);
  require_joined(*alice.process, "bob");
  require_joined(*bob, "alice");

  alice.process->write_stdin("over TLS from alice\n");
  bob->write_stdin("over TLS from bob\n");
  CHECK(bob->wait_for_line(stream::out, says("alice", "over TLS from alice")));
  CHECK(alice.process->wait_for_line(stream::out, says("bob", "over TLS from bob")));
  CHECK(wait_for_stat(*bob, "alice", frames_received_col, [](long v) { return v >= 5; }) >= 5);
  CHECK(wait_for_stat(*alice.process, "bob", frames_received_col, [](long v) { return v >= 5; }) >= 5);

  // Each side learnt the other: the listener by the peer's name, the connector by the address it dialled.
  CHECK(bob->wait_for(stream::err, "first connection with the node at 127.0.0.1:" + std::to_string(alice.port) +
                                       ": its fingerprint " + alice_fp + " is now recorded"));
  CHECK(alice.process->wait_for(stream::err, "first connection with the peer named bob: its fingerprint " + bob_fp));
  CHECK(read_file(dir.path / "alice" / "known_peers") == bob_fp + "\tthe peer named bob\n");
  CHECK(read_file(dir.path / "bob" / "known_peers") ==
        alice_fp + "\tthe node at 127.0.0.1:" + std::to_string(alice.port) + "\n");

  // The key is the owner's alone.
  struct stat st {};
  REQUIRE(::stat((dir.path / "alice" / "identity.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir.path / "alice").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  bob->write_stdin("/quit\n");
  CHECK(bob->wait_exit() == 0);
  // The same identity is used again next time.
  alice.process->write_stdin("/quit\n");
  CHECK(alice.process->wait_exit() == 0);
  auto again = start_listener("alice", tls_options(dir.path / "alice"));
  CHECK(printed_fingerprint(*again.process) == alice_fp);
  CHECK(again.process->wait_for(stream::err, "(from " + (dir.path / "alice").string() + ")"));
}

TEST_CASE("a peer presenting another certificate than the pinned one is refused, and the right one joins",
          "[process][tls]") {
  temp_dir dir;
  auto alice = start_listener("alice", tls_options(dir.path / "alice"));
  const auto alice_fp = printed_fingerprint(*alice.process);

  auto wrong = start_connector(alice.port, "bob", tls_options(dir.path / "bob", {"--peer-fingerprint", stranger}));
  INFO(wrong->transcript(stream::err));
  CHECK(wrong->wait_for(stream::err, "REFUSED the node at 127.0.0.1:" + std::to_string(alice.port) + ": it presented " +
                                         alice_fp + ", which is not a --peer-fingerprint given"));
  CHECK(wrong->wait_exit() == 1);
  CHECK(alice.process->wait_for(stream::out, "left: not trusted: your certificate is not the one this node expects"));
  for (const auto& l : wrong->lines(stream::out)) CHECK(l.find("] alice: ") == std::string::npos);

  // Pinned in upper case, as a user may paste it.
  std::string upper = alice_fp;
  std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7, [](unsigned char c) { return std::toupper(c); });
  auto right = start_connector(alice.port, "bob", tls_options(dir.path / "bob", {"--peer-fingerprint", upper}));
  require_joined(*right, "alice");
  alice.process->write_stdin("pinned and welcome\n");
  CHECK(right->wait_for_line(stream::out, says("alice", "pinned and welcome")));
}

TEST_CASE("known peers are recorded on first use, then held to it: a changed identity is refused loudly",
          "[process][tls]") {
  temp_dir dir;
  auto alice = start_listener("alice", tls_options(dir.path / "alice"));
  auto bob = start_connector(alice.port, "bob", tls_options(dir.path / "bob"));
  const auto bob_fp = printed_fingerprint(*bob);
  require_joined(*alice.process, "bob");
  bob->write_stdin("/quit\n");
  REQUIRE(bob->wait_exit() == 0);

  // Someone else calling itself bob, with an identity of its own.
  auto impostor = start_connector(alice.port, "bob", tls_options(dir.path / "impostor"));
  const auto impostor_fp = printed_fingerprint(*impostor);
  INFO(alice.process->transcript(stream::err));
  CHECK(alice.process->wait_for(stream::err, "REFUSED the peer named bob: ITS IDENTITY HAS CHANGED. Known as " +
                                                 bob_fp + " (" + (dir.path / "alice" / "known_peers").string() +
                                                 " line 1), it now presents " + impostor_fp));
  CHECK(impostor->wait_for(stream::out, "left: not trusted"));
  CHECK(impostor->wait_exit() == 1);

  // The real bob still gets in, and the file still names only him.
  auto back = start_connector(alice.port, "bob", tls_options(dir.path / "bob"));
  require_joined(*back, "alice");
  CHECK(read_file(dir.path / "alice" / "known_peers") == bob_fp + "\tthe peer named bob\n");
}

TEST_CASE("with --known-only a stranger is refused, not pinned, and a line added by hand admits it", "[process][tls]") {
  temp_dir dir;
  auto alice = start_listener("alice", tls_options(dir.path / "alice", {"--known-only"}));
  CHECK(alice.process->wait_for(
      stream::err, "only peers in " + (dir.path / "alice" / "known_peers").string() + " are admitted (--known-only)"));
  // The first to give the name bob: on trust on first use, it would be pinned to it.
  auto stranger_bob = start_connector(alice.port, "bob", tls_options(dir.path / "stranger"));
  const auto stranger_fp = printed_fingerprint(*stranger_bob);
  CHECK(alice.process->wait_for(stream::err, "REFUSED the peer named bob: not in "));
  CHECK(stranger_bob->wait_exit() == 1);
  CHECK_FALSE(std::filesystem::exists(dir.path / "alice" / "known_peers"));

  // The real bob, once alice's user has written down his fingerprint.
  auto bob_once = start_connector(alice.port, "bob", tls_options(dir.path / "bob"));
  const auto bob_fp = printed_fingerprint(*bob_once);
  CHECK(bob_once->wait_exit() == 1);
  std::ofstream(dir.path / "alice" / "known_peers") << bob_fp << "\tthe peer named bob\n";
  auto bob = start_connector(alice.port, "bob", tls_options(dir.path / "bob"));
  require_joined(*bob, "alice");
  auto impostor = start_connector(alice.port, "bob", tls_options(dir.path / "stranger"));
  CHECK(impostor->wait_exit() == 1);
  CHECK(read_file(dir.path / "alice" / "known_peers") == bob_fp + "\tthe peer named bob\n");
  CHECK(stranger_fp != bob_fp);
}

TEST_CASE("a TLS node and a plain node refuse each other with a clear message, both ways", "[process][tls]") {
  temp_dir dir;
  auto secure = start_listener("alice", tls_options(dir.path / "alice"));
  auto plain_client = start_connector(secure.port, "bob", {"--no-video"});
  CHECK(plain_client->wait_for(stream::err,
                               "TLS required: this node accepts TLS connections only: start chat_node with --tls"));
  CHECK(plain_client->wait_exit() == 1);
  CHECK(secure.process->wait_for(stream::err, "a chat_node without TLS (it was told that this node accepts TLS only)"));

  auto plain = start_listener("carol", {"--no-video"});
  auto tls_client = start_connector(plain.port, "dave", tls_options(dir.path / "dave"));
  CHECK(tls_client->wait_for(stream::err, "during the TLS handshake (is it started with --tls?)"));
  CHECK(tls_client->wait_exit() == 1);
  CHECK(plain.process->wait_for(stream::err, "a TLS client (this node was started without --tls)"));
}

TEST_CASE("a capture of a TLS session on loopback holds none of the chat text", "[process][tls][capture]") {
  if (::geteuid() != 0 || ::access("/usr/bin/tcpdump", X_OK) != 0) {
    WARN("not run: needs root and tcpdump (tools/install-deps.sh --test installs it)");
    return;
  }
  temp_dir dir;
  // The same conversation twice, captured: in plain text (the capture must see
  // the words, or finding nothing would prove nothing), then over TLS.
  const auto captured = [&](const std::vector<std::string>& listener_opts, const std::vector<std::string>& bob_opts,
                            const std::string& tag) {
    auto alice = start_listener("alice", listener_opts);
    const auto pcap = dir.path / (tag + ".pcap");
    // Immediate mode hands each packet over as it comes: none is left in a ring block when tcpdump stops.
    child_process dump({"/usr/bin/tcpdump", "-i", "lo", "--immediate-mode", "-U", "-n", "-Z", "root", "-w",
                        pcap.string(), "tcp port " + std::to_string(alice.port)});
    REQUIRE(dump.wait_for(stream::err, "listening on lo"));
    auto bob = start_connector(alice.port, "bob", bob_opts);
    require_joined(*alice.process, "bob");
    alice.process->write_stdin("the eagle lands at midnight " + tag + "\n");
    bob->write_stdin("bring the secret papers " + tag + "\n");
    CHECK(bob->wait_for_line(stream::out, says("alice", "the eagle lands at midnight")));
    CHECK(alice.process->wait_for_line(stream::out, says("bob", "bring the secret papers")));
    bob->write_stdin("/quit\n");
    CHECK(bob->wait_exit() == 0);
    dump.signal(SIGINT);
    CHECK(dump.wait_exit() == 0);
    return read_file(pcap);
  };
  const auto plain = captured({"--no-video"}, {"--no-video"}, "plain");
  CHECK(plain.find("the eagle lands at midnight") != std::string::npos);
  CHECK(plain.find("bring the secret papers") != std::string::npos);

  const auto tls = captured(tls_options(dir.path / "alice"), tls_options(dir.path / "bob"), "tls");
  CHECK(tls.size() > 2000);  // the handshake and the conversation are in it
  CHECK(tls.find("the eagle lands") == std::string::npos);
  CHECK(tls.find("secret papers") == std::string::npos);
  CHECK(tls.find("alice") == std::string::npos);  // names travel inside TLS too
}

TEST_CASE("with --tls and a secret, the secret is proved inside TLS: the right one chats, a wrong one is refused",
          "[process][tls][secret]") {
  temp_dir dir;
  auto alice = start_listener("alice", tls_options(dir.path / "alice"), {"CHAT_NODE_SECRET=tls and a secret"});
  // No warning that nothing is encrypted: it is.
  auto bob = start_connector(alice.port, "bob", tls_options(dir.path / "bob"), {"CHAT_NODE_SECRET=tls and a secret"});
  require_joined(*bob, "alice");
  alice.process->write_stdin("secret and sealed\n");
  CHECK(bob->wait_for_line(stream::out, says("alice", "secret and sealed")));
  for (const auto& l : alice.process->lines(stream::err)) CHECK(l.find("nothing is encrypted") == std::string::npos);

  auto wrong = start_connector(alice.port, "carol", tls_options(dir.path / "carol"), {"CHAT_NODE_SECRET=a guess"});
  INFO(wrong->transcript(stream::err));
  CHECK(wrong->wait_for(stream::err, "refused by 127.0.0.1:" + std::to_string(alice.port) + ": wrong secret"));
  CHECK(wrong->wait_exit() == 1);
  CHECK(alice.process->wait_for_line(stream::err, [](const std::string& l) {
    return l.find("refused 127.0.0.1:") != std::string::npos && l.ends_with(": wrong secret");
  }));
  for (const auto& l : wrong->lines(stream::out)) CHECK(l.find("alice") == std::string::npos);
}
