// Host:port parsing for --listen and --connect, and how endpoints are printed.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "chatnode/endpoint.hpp"

using chatnode::format_endpoint;
using chatnode::format_host_port;
using chatnode::host_port;
using chatnode::parse_connect_address;
using chatnode::parse_listen_address;
namespace net = chatnode::net;

namespace {

chatnode::tcp::endpoint endpoint(const char* address, unsigned short port) {
  return {net::ip::make_address(address), port};
}

}  // namespace

TEST_CASE("A bare port listens on all interfaces", "[endpoint]") {
  const auto hp = parse_listen_address("9999");
  CHECK(hp.host.empty());
  CHECK(hp.port == 9999);
}

TEST_CASE("A listen address may name an IPv4 host and port 0", "[endpoint]") {
  const auto hp = parse_listen_address("127.0.0.1:0");
  CHECK(hp.host == "127.0.0.1");
  CHECK(hp.port == 0);
}

TEST_CASE("An IPv6 literal in brackets is stored without them", "[endpoint]") {
  const auto hp = parse_listen_address("[::1]:9999");
  CHECK(hp.host == "::1");
  CHECK(hp.port == 9999);
  const auto c = parse_connect_address("[2001:db8::1]:443");
  CHECK(c.host == "2001:db8::1");
  CHECK(c.port == 443);
}

TEST_CASE("A host name and port parse for both listen and connect", "[endpoint]") {
  for (const auto& hp : {parse_listen_address("host:1"), parse_connect_address("host:1")}) {
    CHECK(hp.host == "host");
    CHECK(hp.port == 1);
  }
  CHECK(parse_connect_address("example.org:65535").port == 65535);
}

TEST_CASE("Malformed listen addresses are refused with invalid_argument", "[endpoint]") {
  const char* bad[] = {"",       "abc",    "1:2:3", "[::1]", "70000", "65536", "host:", ":9",
                       "[::1]9", "[::1]:", "-1",    "+9",    " 9",    "9 ",    "9x",    "host:port"};
  for (const char* text : bad) {
    INFO("'" << text << "'");
    CHECK_THROWS_AS(parse_listen_address(text), std::invalid_argument);
  }
}

TEST_CASE("The error message quotes the input", "[endpoint]") {
  CHECK_THROWS_WITH(parse_listen_address("70000"), Catch::Matchers::Contains("'70000'"));
  CHECK_THROWS_WITH(parse_listen_address("1:2:3"), Catch::Matchers::Contains("brackets"));
}

TEST_CASE("Connecting needs a host and a non-zero port", "[endpoint]") {
  CHECK_THROWS_AS(parse_connect_address("9999"), std::invalid_argument);
  CHECK_THROWS_AS(parse_connect_address("host:0"), std::invalid_argument);
  CHECK_THROWS_AS(parse_connect_address("[::1]:0"), std::invalid_argument);
  CHECK_THROWS_AS(parse_connect_address(""), std::invalid_argument);
  CHECK_THROWS_AS(parse_connect_address(":9"), std::invalid_argument);
  CHECK_THROWS_WITH(parse_connect_address("host:0"), Catch::Matchers::Contains("port 0"));
}

TEST_CASE("IPv4 endpoints print as address:port", "[endpoint]") {
  CHECK(format_endpoint(endpoint("192.0.2.1", 9999)) == "192.0.2.1:9999");
  CHECK(format_endpoint(endpoint("0.0.0.0", 0)) == "0.0.0.0:0");
}

TEST_CASE("IPv6 endpoints print in brackets", "[endpoint]") {
  CHECK(format_endpoint(endpoint("::1", 9999)) == "[::1]:9999");
  CHECK(format_endpoint(endpoint("2001:db8::1", 80)) == "[2001:db8::1]:80");
}

TEST_CASE("IPv4-mapped IPv6 endpoints print as IPv4", "[endpoint]") {
  CHECK(format_endpoint(endpoint("::ffff:127.0.0.1", 4242)) == "127.0.0.1:4242");
  CHECK(format_endpoint(endpoint("::ffff:192.0.2.7", 1)) == "192.0.2.7:1");
}

TEST_CASE("Host and port print with brackets around IPv6 literals only", "[endpoint]") {
  CHECK(format_host_port(host_port{"example.org", 9999}) == "example.org:9999");
  CHECK(format_host_port(host_port{"127.0.0.1", 0}) == "127.0.0.1:0");
  CHECK(format_host_port(host_port{"::1", 9999}) == "[::1]:9999");
  CHECK(format_host_port(host_port{"2001:db8::1", 1}) == "[2001:db8::1]:1");
}

TEST_CASE("A formatted host and port parse back to the same values", "[endpoint]") {
  for (const host_port& hp : {host_port{"example.org", 9999}, host_port{"::1", 1}, host_port{"10.0.0.1", 65535}}) {
    const auto back = parse_connect_address(format_host_port(hp));
    CHECK(back.host == hp.host);
    CHECK(back.port == hp.port);
  }
}
