// Who may talk to the web page: pure checks of the Host and Origin headers and
// of the access token, with no I/O, so each rule is unit-tested on its own.
//
// Host and Origin defeat DNS rebinding and cross-site WebSockets: a page from
// evil.example whose name is re-pointed at 127.0.0.1 still sends
// "Host: evil.example:PORT", and any cross-site WebSocket carries its own
// Origin. Neither can be forged by a page, only by a non-browser client, which
// the token (when configured) is for. A page of another site can still embed
// what needs no script, such as our video in an <img>; a browser says so in
// Sec-Fetch-Site, and such requests are refused (a browser that does not send
// it is held off by Cross-Origin-Resource-Policy instead).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace chatnode::web {

/// Name of the cookie the page sets so its assets and WebSocket carry the token.
inline constexpr std::string_view token_cookie = "chat_node_token";

struct guard_config {
  std::uint16_t port = 0;          ///< the bound port, required in Host (omittable only when 80)
  std::vector<std::string> hosts;  ///< allowed host parts, lower case, IPv6 in brackets
  std::string token;               ///< empty: no token needed
  bool https = false;              ///< served over TLS: origins are https://, the default port 443, cookies Secure
};

/// The hosts a server bound to `bound` answers to: the address itself unless it
/// is unspecified, the loopback names when bound to loopback or to every
/// interface, `own_addresses` (the machine's addresses) when bound to every
/// interface, and `host_names` (configured names, and the name given to bind).
guard_config make_guard_config(const boost::asio::ip::address& bound, std::uint16_t port,
                               const std::vector<std::string>& host_names,
                               const std::vector<std::string>& own_addresses, std::string token);

/// "host:port" as a browser sends it in Host, compared case-insensitively.
bool host_allowed(const guard_config& cfg, std::string_view host_header);
/// An Origin header value: must be "http://" (with https, "https://") followed by an allowed Host.
bool origin_allowed(const guard_config& cfg, std::string_view origin);

/// The value of `name` in the query part of a request target, percent-decoded.
std::optional<std::string> query_param(std::string_view target, std::string_view name);
/// The value of cookie `name` in a Cookie header.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);
/// Compares in constant time (SHA-256 of both, then CRYPTO_memcmp), so
/// neither the content nor the length of the token leaks through timing.
bool same_secret(std::string_view a, std::string_view b);

enum class verdict {
  allowed,
  bad_host,    ///< Host missing or not one of ours (DNS rebinding)
  bad_origin,  ///< Origin present and not ours (another site's page)
  bad_token,   ///< a token is configured and neither the URL nor the cookie carries it
  cross_site,  ///< the browser says another site asked (Sec-Fetch-Site), e.g. an <img> of our video
};

struct request_facts {
  std::string_view host;                   ///< the Host header, empty when missing
  std::optional<std::string_view> origin;  ///< the Origin header when present
  std::string_view target;                 ///< the request target, with its query
  std::string_view cookie;                 ///< the Cookie header, empty when missing
  std::string_view fetch_site{};           ///< the Sec-Fetch-Site header, empty when missing
};

/// Every request passes here before it is served.
verdict check_request(const guard_config& cfg, const request_facts& r);
/// The token came in the URL (so the response may set the cookie).
bool token_in_url(const guard_config& cfg, std::string_view target);

/// The Set-Cookie value that stores the token (percent-encoded, so any token
/// fits a cookie): Path=/; HttpOnly; SameSite=Strict, and Secure over TLS.
std::string token_cookie_header(const guard_config& cfg);

/// The path of a request target: up to '?' or '#'.
std::string_view target_path(std::string_view target);

}  // namespace chatnode::web
