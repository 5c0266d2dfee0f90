#include "chatnode/web/access_token.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "chatnode/net.hpp"
#include "chatnode/options.hpp"

namespace chatnode::web {

bool is_loopback_host(const std::string& host) {
  error_code ec;
  const auto a = net::ip::make_address(host, ec);
  return host == "localhost" || (!ec && a.is_loopback());
}

std::string access_token() {
  if (const char* t = std::getenv("CHAT_NODE_WEB_TOKEN"); t && *t) {
    std::string token = t;
    const bool url_safe = std::all_of(token.begin(), token.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
    });
    if (!url_safe) throw usage_error("CHAT_NODE_WEB_TOKEN may hold only letters, digits and - _ . ~");
    return token;
  }
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("no randomness for the web page's token");
  static constexpr char hex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : raw) token += {hex[b >> 4], hex[b & 15]};
  return token;
}

}  // namespace chatnode::web
