#include "chatnode/endpoint.hpp"

#include <charconv>
#include <stdexcept>

namespace chatnode {
namespace {

std::uint16_t parse_port(std::string_view p, std::string_view whole) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || value > 65535)
    throw std::invalid_argument("'" + std::string(whole) + "': port must be a number from 0 to 65535");
  return static_cast<std::uint16_t>(value);
}

host_port split(std::string_view text) {
  host_port hp;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw std::invalid_argument("'" + std::string(text) + "': expected [IPv6]:PORT");
    hp.host = std::string(text.substr(1, close - 1));
    hp.port = parse_port(text.substr(close + 2), text);
    return hp;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    hp.port = parse_port(text, text);
    return hp;
  }
  if (text.find(':') != colon)
    throw std::invalid_argument("'" + std::string(text) + "': put IPv6 addresses in brackets, as [::1]:9999");
  hp.host = std::string(text.substr(0, colon));
  if (hp.host.empty()) throw std::invalid_argument("'" + std::string(text) + "': empty host before ':'");
  hp.port = parse_port(text.substr(colon + 1), text);
  return hp;
}

}  // namespace

host_port parse_listen_address(std::string_view text) { return split(text); }

host_port parse_connect_address(std::string_view text) {
  auto hp = split(text);
  if (hp.host.empty()) throw std::invalid_argument("'" + std::string(text) + "': expected HOST:PORT");
  if (hp.port == 0) throw std::invalid_argument("'" + std::string(text) + "': cannot connect to port 0");
  return hp;
}

net::ip::address unmapped(const net::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  return a;
}

std::string format_endpoint(const tcp::endpoint& ep) {
  const auto addr = unmapped(ep.address());
  if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(ep.port());
  return addr.to_string() + ":" + std::to_string(ep.port());
}

std::string describe_remote(const tcp::socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  return ec ? "unknown peer" : format_endpoint(ep);
}

std::string format_host_port(const host_port& hp) {
  if (hp.host.find(':') != std::string::npos) return "[" + hp.host + "]:" + std::to_string(hp.port);
  return hp.host + ":" + std::to_string(hp.port);
}

}  // namespace chatnode
