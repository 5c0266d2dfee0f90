// Building the server's HTTP responses, with the headers every one carries.
#pragma once

#include <string>
#include <string_view>

#include "chatnode/web/beast.hpp"

namespace chatnode::web {

/// The page loads only its own script, style and images (JPEG frames arrive as
/// blobs) and talks only to its own WebSocket. 'self' covers ws:// on the same
/// host:port in current browsers, so the policy needs nothing more.
inline constexpr std::string_view content_security_policy =
    "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'";

/// Content-Security-Policy, nosniff, and no framing or referrer (the URL may carry the token).
void add_security_headers(http::fields& h);

/// A complete response with `body`, keep-alive as the request asked.
http::response<http::string_body> make_response(const request& req, http::status status, std::string_view content_type,
                                                std::string body);
/// A short plain-text error ("404 not found"); closes the connection when `close`.
http::response<http::string_body> error_response(const request& req, http::status status, bool close = false);

}  // namespace chatnode::web
