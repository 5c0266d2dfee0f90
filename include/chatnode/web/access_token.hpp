// The web page's access token: when one is needed, and where it comes from.
#pragma once

#include <string>

namespace chatnode::web {

/// The page needs no token on a loopback address ("localhost", 127.0.0.0/8, ::1).
bool is_loopback_host(const std::string& host);

/// $CHAT_NODE_WEB_TOKEN (so a known URL can be given out, as compose does), or
/// 128 random bits in hex. A variable with characters a URL would have to
/// escape is a usage error.
std::string access_token();

}  // namespace chatnode::web
