// Host:port strings as the command line takes them, and endpoints as logs show them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chatnode/net.hpp"

namespace chatnode {

struct host_port {
  std::string host;  ///< empty: all interfaces (listen only); IPv6 literals without brackets
  std::uint16_t port = 0;
};

/// "[HOST:]PORT": "9999", "127.0.0.1:0", "[::1]:9999", "example.org:9999".
/// Throws std::invalid_argument with a message naming what is wrong.
host_port parse_listen_address(std::string_view text);
/// "HOST:PORT", the host required and the port non-zero.
host_port parse_connect_address(std::string_view text);

/// "192.0.2.1:9999", "[2001:db8::1]:9999"; IPv4-mapped IPv6 addresses print as IPv4.
std::string format_endpoint(const tcp::endpoint& ep);
/// An IPv4-mapped IPv6 address (a dual-stack socket's view) as the IPv4 address it is.
net::ip::address unmapped(const net::ip::address& a);
/// The peer of a connected socket, or "unknown peer".
std::string describe_remote(const tcp::socket& s);
/// "host:port" with brackets around IPv6 literals.
std::string format_host_port(const host_port& hp);

}  // namespace chatnode
