#include "chatnode/web/responses.hpp"

namespace chatnode::web {

void add_security_headers(http::fields& h) {
  h.set("Content-Security-Policy", content_security_policy);
  h.set("X-Content-Type-Options", "nosniff");
  // Clickjacking: nobody may put the send and connect forms in a frame.
  h.set(http::field::x_frame_options, "DENY");
  h.set("Referrer-Policy", "no-referrer");
  // No other site's page may load what we serve, not even as an <img>.
  h.set("Cross-Origin-Resource-Policy", "same-origin");
  h.set(http::field::server, "chat_node");
}

http::response<http::string_body> make_response(const request& req, http::status status, std::string_view content_type,
                                                std::string body) {
  http::response<http::string_body> res{status, req.version()};
  add_security_headers(res.base());
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::response<http::string_body> error_response(const request& req, http::status status, bool close) {
  std::string text = std::to_string(static_cast<unsigned>(status)) + " ";
  text.append(http::obsolete_reason(status)).append("\n");
  auto res = make_response(req, status, "text/plain; charset=utf-8", std::move(text));
  if (status == http::status::method_not_allowed) res.set(http::field::allow, "GET");
  if (close) res.keep_alive(false);
  return res;
}

}  // namespace chatnode::web
