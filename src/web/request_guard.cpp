#include "chatnode/web/request_guard.hpp"

#include <algorithm>
#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "chatnode/endpoint.hpp"

namespace chatnode::web {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

std::string host_literal(const boost::asio::ip::address& addr) {
  return addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
}

// An IPv6 literal arrives without brackets from the command line or
// own_addresses(); Host always brackets it.
std::string as_host(std::string_view name) {
  if (name.find(':') != std::string_view::npos && name.front() != '[') return lower("[" + std::string(name) + "]");
  return lower(name);
}

void add(std::vector<std::string>& hosts, std::string h) {
  if (!h.empty() && std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(std::move(h));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool token_present(const guard_config& cfg, const request_facts& r) {
  if (auto q = query_param(r.target, "token"); q && same_secret(*q, cfg.token)) return true;
  if (auto c = cookie_value(r.cookie, token_cookie); c && same_secret(percent_decode(*c), cfg.token)) return true;
  return false;
}

}  // namespace

guard_config make_guard_config(const boost::asio::ip::address& bound_as_given, std::uint16_t port,
                               const std::vector<std::string>& host_names,
                               const std::vector<std::string>& own_addresses, std::string token) {
  guard_config cfg;
  cfg.port = port;
  cfg.token = std::move(token);
  const auto bound = unmapped(bound_as_given);
  const bool any = bound.is_unspecified();
  if (!any) add(cfg.hosts, host_literal(bound));
  if (any || bound.is_loopback()) {
    add(cfg.hosts, "127.0.0.1");
    add(cfg.hosts, "localhost");
    add(cfg.hosts, "[::1]");
  }
  if (any)
    for (const auto& a : own_addresses) add(cfg.hosts, as_host(a));
  for (const auto& n : host_names) add(cfg.hosts, as_host(n));
  return cfg;
}

bool host_allowed(const guard_config& cfg, std::string_view host_header) {
  const auto h = lower(trim(host_header));
  // The port is after the last ':' that follows any IPv6 bracket.
  const auto bracket = h.rfind(']');
  const auto colon = h.rfind(':');
  std::string name = h, port;
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    name = h.substr(0, colon);
    port = h.substr(colon + 1);
  }
  if (port.empty()) {
    // Browsers leave out the scheme's default port, and only that one.
    if (cfg.port != (cfg.https ? 443 : 80) || colon != std::string::npos) return false;
  } else if (port != std::to_string(cfg.port)) {
    return false;
  }
  return std::find(cfg.hosts.begin(), cfg.hosts.end(), name) != cfg.hosts.end();
}

bool origin_allowed(const guard_config& cfg, std::string_view origin) {
  const std::string_view scheme = cfg.https ? "https://" : "http://";
  const auto o = lower(trim(origin));
  if (o.size() <= scheme.size() || o.compare(0, scheme.size(), scheme) != 0) return false;
  const auto rest = std::string_view(o).substr(scheme.size());
  // An origin is scheme://host[:port] and nothing else: no path, no user info.
  if (rest.find_first_of("/@?#") != std::string_view::npos) return false;
  return host_allowed(cfg, rest);
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto query = target.substr(q + 1);
  if (const auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const auto semi = cookie_header.find(';');
    const auto pair = trim(cookie_header.substr(0, semi));
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      auto v = trim(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
    if (semi == std::string_view::npos) break;
    cookie_header.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

bool same_secret(std::string_view a, std::string_view b) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> da{}, db{};
  unsigned int la = 0, lb = 0;
  if (EVP_Digest(a.data(), a.size(), da.data(), &la, EVP_sha256(), nullptr) != 1 ||
      EVP_Digest(b.data(), b.size(), db.data(), &lb, EVP_sha256(), nullptr) != 1 || la != lb)
    return false;
  return CRYPTO_memcmp(da.data(), db.data(), la) == 0;
}

verdict check_request(const guard_config& cfg, const request_facts& r) {
  if (!host_allowed(cfg, r.host)) return verdict::bad_host;
  if (r.origin && !origin_allowed(cfg, *r.origin)) return verdict::bad_origin;
  // "same-site" too: on loopback every other port's page is the same site.
  if (r.fetch_site == "cross-site" || r.fetch_site == "same-site") return verdict::cross_site;
  if (!cfg.token.empty() && !token_present(cfg, r)) return verdict::bad_token;
  return verdict::allowed;
}

bool token_in_url(const guard_config& cfg, std::string_view target) {
  if (cfg.token.empty()) return false;
  const auto q = query_param(target, "token");
  return q && same_secret(*q, cfg.token);
}

std::string token_cookie_header(const guard_config& cfg) {
  return std::string(token_cookie) + "=" + percent_encode(cfg.token) + "; Path=/; HttpOnly; SameSite=Strict" +
         (cfg.https ? "; Secure" : "");
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find_first_of("?#")); }

}  // namespace chatnode::web
