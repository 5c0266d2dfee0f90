// parse_options: the command line, parsed or refused with usage_error.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "chatnode/options.hpp"
#include "chatnode/protocol/frame.hpp"

using chatnode::options;
using chatnode::usage_error;

namespace {

/// parse_options on "chat_node" followed by `args`, printing into `out`.
std::optional<options> parse(std::initializer_list<std::string> args, std::ostream& out) {
  std::vector<std::string> storage{"chat_node"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const auto& s : storage) argv.push_back(s.c_str());
  argv.push_back(nullptr);
  return chatnode::parse_options(static_cast<int>(storage.size()), argv.data(), out);
}

std::optional<options> parse(std::initializer_list<std::string> args) {
  std::ostringstream out;
  auto o = parse(args, out);
  CHECK(out.str().empty());
  return o;
}

}  // namespace

TEST_CASE("The option --listen with a port listens on all interfaces", "[options]") {
  const auto o = parse({"--listen", "9999", "--name", "alice"});
  REQUIRE(o.has_value());
  CHECK(o->mode == options::role::listen);
  CHECK(o->address.host.empty());
  CHECK(o->address.port == 9999);
  CHECK(o->name == "alice");
}

TEST_CASE("The form --listen=HOST:PORT is accepted too", "[options]") {
  const auto o = parse({"--listen=127.0.0.1:0", "--name=bob"});
  REQUIRE(o.has_value());
  CHECK(o->mode == options::role::listen);
  CHECK(o->address.host == "127.0.0.1");
  CHECK(o->address.port == 0);
  CHECK(o->name == "bob");
}

TEST_CASE("The option --connect takes a host and port", "[options]") {
  const auto o = parse({"--connect", "host:1", "--name", "carol"});
  REQUIRE(o.has_value());
  CHECK(o->mode == options::role::connect);
  CHECK(o->address.host == "host");
  CHECK(o->address.port == 1);
}

TEST_CASE("Without --name the default user@hostname is used", "[options]") {
  const auto o = parse({"--connect", "[::1]:9"});
  REQUIRE(o.has_value());
  CHECK(o->name == chatnode::default_name());
  CHECK_FALSE(o->name.empty());
  CHECK(o->name.size() <= chatnode::protocol::max_name_bytes);
  CHECK(o->name.find('@') != std::string::npos);
}

TEST_CASE("Exactly one of --listen and --connect is required", "[options]") {
  CHECK_THROWS_AS(parse({}), usage_error);
  CHECK_THROWS_AS(parse({"--name", "alice"}), usage_error);
  CHECK_THROWS_AS(parse({"--listen", "9999", "--connect", "host:1"}), usage_error);
  CHECK_THROWS_WITH(parse({"--listen", "1", "--connect", "h:1"}), Catch::Matchers::Contains("exactly one"));
}

TEST_CASE("Unknown options and missing values are usage errors", "[options]") {
  CHECK_THROWS_AS(parse({"--listen", "9999", "--bogus"}), usage_error);
  CHECK_THROWS_AS(parse({"--listen"}), usage_error);
  CHECK_THROWS_AS(parse({"--listen", "9999", "--name"}), usage_error);
}

TEST_CASE("Stray arguments are usage errors, so an unquoted name is not silently cut", "[options]") {
  // chat_node takes no positional arguments; ignoring them would turn
  // `--name Bob Smith` into the name "Bob" without a word.
  CHECK_THROWS_AS(parse({"--listen", "9999", "stray"}), usage_error);
  CHECK_THROWS_AS(parse({"--listen", "9999", "--name", "Bob", "Smith"}), usage_error);
}

TEST_CASE("A bad address is a usage error", "[options]") {
  CHECK_THROWS_AS(parse({"--listen", "70000"}), usage_error);
  CHECK_THROWS_AS(parse({"--listen", "abc"}), usage_error);
  CHECK_THROWS_AS(parse({"--connect", "9999"}), usage_error);    // no host
  CHECK_THROWS_AS(parse({"--connect", "host:0"}), usage_error);  // port 0
  CHECK_THROWS_WITH(parse({"--listen", "70000"}), Catch::Matchers::Contains("70000"));
}

TEST_CASE("A name of up to max_name_bytes bytes of UTF-8 is accepted", "[options]") {
  const std::string ascii(chatnode::protocol::max_name_bytes, 'n');
  const auto a = parse({"--listen", "1", "--name", ascii});
  REQUIRE(a.has_value());
  CHECK(a->name == ascii);

  std::string emoji;  // 16 four-byte characters: 64 bytes
  for (int i = 0; i < 16; ++i) emoji += "\xF0\x9F\x98\x80";
  const auto e = parse({"--listen", "1", "--name", emoji});
  REQUIRE(e.has_value());
  CHECK(e->name == emoji);
}

TEST_CASE("A name that is too long, empty, not UTF-8 or holds a control character is a usage error", "[options]") {
  CHECK_THROWS_AS(parse({"--listen", "1", "--name", std::string(chatnode::protocol::max_name_bytes + 1, 'n')}),
                  usage_error);
  CHECK_THROWS_AS(parse({"--listen", "1", "--name", "bad\xFF"}), usage_error);
  CHECK_THROWS_AS(parse({"--listen", "1", "--name", "\xC3"}), usage_error);
  CHECK_THROWS_AS(parse({"--listen", "1", "--name", ""}), usage_error);
  CHECK_THROWS_WITH(parse({"--listen", "1", "--name", "two\nlines"}), Catch::Matchers::Contains("control characters"));
  CHECK_THROWS_AS(parse({"--listen", "1", "--name", "tab\there"}), usage_error);
}

TEST_CASE("The option --help prints the usage and returns nothing", "[options]") {
  for (const auto& flag : {"--help", "-h"}) {
    INFO(flag);
    std::ostringstream out;
    const auto o = parse({flag}, out);
    CHECK_FALSE(o.has_value());
    const auto text = out.str();
    CHECK(text.starts_with("Usage: chat_node --listen"));
    CHECK(text.find("--connect") != std::string::npos);
    CHECK(text.find("--name") != std::string::npos);
    CHECK(text.find("/quit") != std::string::npos);
  }
}

TEST_CASE("The option --version prints the version and protocol and returns nothing", "[options]") {
  std::ostringstream out;
  const auto o = parse({"--version"}, out);
  CHECK_FALSE(o.has_value());
  CHECK(out.str() == std::string("chat_node ") + CHATNODE_VERSION + " (protocol 1)\n");
}

TEST_CASE("The option --web serves the page on loopback unless a host is given", "[options][web]") {
  CHECK_FALSE(parse({"--listen", "9999"})->web);
  const auto port_only = parse({"--listen", "9999", "--web", "8080"});
  REQUIRE(port_only->web);
  CHECK(port_only->web->host == "127.0.0.1");
  CHECK(port_only->web->port == 8080);
  const auto everywhere = parse({"--connect", "h:1", "--web", "0.0.0.0:0"});
  CHECK(everywhere->web->host == "0.0.0.0");
  CHECK(everywhere->web->port == 0);
  CHECK_THROWS_WITH(parse({"--listen", "9999", "--web", "80800"}), Catch::Matchers::StartsWith("--web '80800'"));
  CHECK_THROWS_AS(parse({"--listen", "9999", "--web", "::1:80"}), usage_error);
}

TEST_CASE("The option --protocol chooses what --connect speaks", "[options]") {
  using chatnode::protocol::wire_protocol;
  CHECK(parse({"--connect", "h:1"})->wire == wire_protocol::chat_node);
  CHECK(parse({"--connect", "h:1", "--protocol", "chat-node"})->wire == wire_protocol::chat_node);
  CHECK(parse({"--connect", "h:1", "--protocol", "lecture-video"})->wire == wire_protocol::lecture_video);
  CHECK(parse({"--connect", "h:1", "--protocol", "raw-text"})->wire == wire_protocol::raw_text);
  CHECK_THROWS_AS(parse({"--connect", "h:1", "--protocol", "http"}), usage_error);
  CHECK_THROWS_AS(parse({"--connect", "h:1", "--protocol", "telnet"}), usage_error);
}

TEST_CASE("A listening node recognises protocols itself, so --protocol with --listen is a usage error", "[options]") {
  CHECK_THROWS_AS(parse({"--listen", "1", "--protocol", "raw-text"}), usage_error);
}

TEST_CASE("The option --max-peers bounds the room, 16 by default", "[options]") {
  CHECK(parse({"--listen", "9999"})->max_peers == 16);
  CHECK(parse({"--listen", "9999", "--max-peers", "3"})->max_peers == 3);
  CHECK_THROWS_WITH(parse({"--listen", "9999", "--max-peers", "0"}), Catch::Matchers::Contains("--max-peers"));
  CHECK_THROWS_AS(parse({"--listen", "9999", "--max-peers", "many"}), usage_error);
}

TEST_CASE("A --connect node reconnects unless --no-reconnect is given, which is for --connect only", "[options]") {
  CHECK(parse({"--connect", "host:1"})->reconnect);
  CHECK_FALSE(parse({"--connect", "host:1", "--no-reconnect"})->reconnect);
  CHECK_THROWS_WITH(parse({"--listen", "1", "--no-reconnect"}), "--no-reconnect is for --connect");
}

TEST_CASE("The option --tls takes pinned fingerprints and a config directory; pins need --tls and the right form",
          "[options]") {
  const std::string fp = "sha256:" + std::string(64, 'a');
  const auto o = parse({"--connect", "host:1", "--tls", "--peer-fingerprint", fp, "--config-dir", "/tmp/x"});
  CHECK(o->tls);
  CHECK(o->peer_fingerprints == std::vector<std::string>{fp});
  CHECK(o->config_dir == "/tmp/x");
  CHECK_THROWS_WITH(parse({"--connect", "host:1", "--peer-fingerprint", fp}), "--peer-fingerprint is for --tls");
  CHECK_THROWS_WITH(parse({"--connect", "host:1", "--tls", "--peer-fingerprint", "abc"}),
                    Catch::StartsWith("--peer-fingerprint must be sha256: and 64 hex digits"));
  CHECK_THROWS_WITH(parse({"--connect", "host:1", "--tls", "--protocol", "raw-text"}),
                    "--tls is for chat_node peers: the teaching programs have no TLS");
}

TEST_CASE("The option --known-only is for --tls, and is not given with pins", "[options]") {
  CHECK(parse({"--listen", "1", "--tls", "--known-only"})->known_only);
  CHECK_FALSE(parse({"--listen", "1", "--tls"})->known_only);
  CHECK_THROWS_WITH(parse({"--listen", "1", "--known-only"}), "--known-only is for --tls");
  CHECK_THROWS_WITH(
      parse({"--listen", "1", "--tls", "--known-only", "--peer-fingerprint", "sha256:" + std::string(64, 'a')}),
      "--known-only and --peer-fingerprint are two rules: give one");
}

namespace {

/// Sets CHAT_NODE_SECRET for one test and restores the environment after it.
class scoped_secret_env {
 public:
  explicit scoped_secret_env(const char* value) {
    if (const char* old = std::getenv("CHAT_NODE_SECRET")) old_ = old;
    if (value)
      ::setenv("CHAT_NODE_SECRET", value, 1);
    else
      ::unsetenv("CHAT_NODE_SECRET");
  }
  ~scoped_secret_env() {
    if (old_)
      ::setenv("CHAT_NODE_SECRET", old_->c_str(), 1);
    else
      ::unsetenv("CHAT_NODE_SECRET");
  }

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("The secret comes from --secret or CHAT_NODE_SECRET, the option winning", "[options][secret]") {
  {
    const scoped_secret_env env(nullptr);
    CHECK(parse({"--listen", "1"})->secret.empty());
    CHECK(parse({"--listen", "1", "--secret", "abc"})->secret == "abc");
    CHECK_THROWS_WITH(parse({"--listen", "1", "--secret", ""}), "--secret must not be empty");
  }
  {
    const scoped_secret_env env("from the environment");
    CHECK(parse({"--connect", "h:1"})->secret == "from the environment");
    CHECK(parse({"--connect", "h:1", "--secret", "given"})->secret == "given");
  }
  {
    const scoped_secret_env env("");
    CHECK(parse({"--connect", "h:1"})->secret.empty());
  }
}

TEST_CASE("A secret cannot be combined with a teaching program's protocol", "[options][secret]") {
  const scoped_secret_env env(nullptr);
  CHECK_THROWS_WITH(parse({"--connect", "h:1", "--protocol", "raw-text", "--secret", "s"}),
                    Catch::Matchers::Contains("cannot be combined with a secret"));
  const scoped_secret_env env2("s");
  CHECK_THROWS_AS(parse({"--connect", "h:1", "--protocol", "lecture-video"}), usage_error);
}

TEST_CASE("The help names CHAT_NODE_SECRET as the better way to give the secret", "[options][secret]") {
  std::ostringstream out;
  CHECK_FALSE(parse({"--help"}, out));
  CHECK(out.str().find("--secret SECRET") != std::string::npos);
  CHECK(out.str().find("$CHAT_NODE_SECRET") != std::string::npos);
}
