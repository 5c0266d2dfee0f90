#include "chatnode/web/http_session.hpp"

#include <charconv>

#include "chatnode/web/assets.hpp"
#include "chatnode/web/mjpeg_stream.hpp"
#include "chatnode/web/responses.hpp"
#include "chatnode/web/server_state.hpp"
#include "chatnode/web/ws_session.hpp"

namespace chatnode::web {
namespace {

// A browser's GET carries a few hundred bytes of headers and no body; these
// bounds only keep a hostile client from making us buffer much.
constexpr std::uint32_t header_limit = std::uint32_t{16} * 1024;
constexpr std::uint64_t body_limit = std::uint64_t{16} * 1024;

/// "/video/N.mjpg" → N, or -1.
int video_peer(std::string_view path) {
  constexpr std::string_view prefix = "/video/", suffix = ".mjpg";
  if (path.size() <= prefix.size() + suffix.size() || !path.starts_with(prefix) || !path.ends_with(suffix)) return -1;
  const auto digits = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  int n = -1;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n < 0) return -1;
  return n;
}

std::string_view header(const request& req, http::field f) {
  const auto it = req.find(f);
  return it == req.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
}

}  // namespace

http_session::http_session(page_stream stream, connection_slots::slot slot, std::shared_ptr<server_state> state)
    : stream_(std::move(stream)), slot_(std::move(slot)), executor_(stream_.get_executor()), state_(std::move(state)) {}

void http_session::start(page_stream stream, connection_slots::slot slot, const std::shared_ptr<server_state>& state) {
  auto s = std::make_shared<http_session>(std::move(stream), std::move(slot), state);
  net::co_spawn(
      s->executor_, [s] { return s->run(); }, log_failure{state, "HTTP session"});
}

void http_session::stop() {
  net::post(executor_, [self = shared_from_this()] {
    self->stopping_ = true;
    if (!self->handed_over_) beast::get_lowest_layer(self->stream_).close();
  });
}

awaitable<void> http_session::run() {
  if (!state_->clients.add(shared_from_this())) co_return;
  registration reg(state_->clients, this);
  if (stream_.encrypted()) {
    // The TLS handshake counts against the time a request may take to arrive.
    beast::get_lowest_layer(stream_).expires_after(state_->cfg.read_timeout);
    auto [ec] = co_await stream_.async_handshake(net::ssl::stream_base::server, use_nothrow);
    if (ec) {
      beast::get_lowest_layer(stream_).close();  // a plain-HTTP client, or a browser that refused our certificate
      co_return;
    }
  }
  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    beast::get_lowest_layer(stream_).expires_after(state_->cfg.read_timeout);
    auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, use_nothrow);
    if (ec) break;  // closed, timed out, stopped, or not HTTP: nothing to answer
    const bool go_on = co_await serve(parser.release());
    if (!go_on) break;
  }
  if (handed_over_) co_return;
  error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
  beast::get_lowest_layer(stream_).close();
}

awaitable<bool> http_session::serve(request req) {
  const auto path = target_path(req.target());
  const auto origin_it = req.find(http::field::origin);
  const auto fetch_site = req["Sec-Fetch-Site"];
  request_facts facts{header(req, http::field::host), std::nullopt, req.target(), header(req, http::field::cookie),
                      std::string_view(fetch_site.data(), fetch_site.size())};
  if (origin_it != req.end()) facts.origin = std::string_view(origin_it->value().data(), origin_it->value().size());

  std::optional<http::response<http::string_body>> res;
  if (check_request(state_->guard, facts) != verdict::allowed) {
    res = error_response(req, http::status::forbidden, true);
  } else if (websocket::is_upgrade(req) && path == "/ws") {
    handed_over_ = true;
    ws_session::start(std::move(stream_), std::move(slot_), std::move(req), state_);
    co_return false;
  } else if (req.method() != http::verb::get) {
    res = error_response(req, http::status::method_not_allowed);
  } else if (const int peer = video_peer(path); peer >= 0 && !state_->app.has_video_stream(peer)) {
    res = error_response(req, http::status::not_found);
  } else if (peer >= 0) {
    handed_over_ = true;
    mjpeg_stream::start(std::move(stream_), std::move(slot_), peer, state_);
    co_return false;
  } else {
    res = respond(req, path);
  }
  beast::get_lowest_layer(stream_).expires_after(state_->cfg.write_timeout);
  const bool keep_alive = res->keep_alive();
  auto [ec, n] = co_await http::async_write(stream_, *res, use_nothrow);
  co_return !ec && keep_alive;
}

http::response<http::string_body> http_session::respond(const request& req, std::string_view path) {
  if (path == "/stats.json") return make_response(req, http::status::ok, "application/json", state_->app.stats_json());
  if (path == "/metrics")
    return make_response(req, http::status::ok, "text/plain; version=0.0.4", state_->app.metrics());

  const auto asset_path = path == "/" ? std::string_view("/index.html") : path;
  const auto bytes = asset(asset_path);
  if (bytes.empty()) return error_response(req, http::status::not_found);
  auto res = make_response(req, http::status::ok, asset_content_type(asset_path),
                           std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (token_in_url(state_->guard, req.target())) {
    // The page's own requests (script, style, WebSocket) then carry the token
    // without it appearing in their URLs. HttpOnly: no script can read it;
    // SameSite=Strict: no other site's request carries it.
    res.set(http::field::set_cookie, token_cookie_header(state_->guard));
  }
  return res;
}

}  // namespace chatnode::web
