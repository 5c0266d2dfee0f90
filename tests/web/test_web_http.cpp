// The web server's plain HTTP side, on 127.0.0.1 with a fake backend.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "chatnode/web/assets.hpp"
#include "chatnode/web/responses.hpp"
#include "support/raw_client.hpp"
#include "web_fixture.hpp"

using namespace web_test;

namespace {

std::string field(const response& r, std::string_view name) {
  const auto it = r.find(name);
  return it == r.end() ? std::string() : std::string(it->value());
}

void check_security_headers(const response& r) {
  CHECK(field(r, "Content-Security-Policy") == web::content_security_policy);
  CHECK(field(r, "X-Content-Type-Options") == "nosniff");
}

std::string as_string(std::span<const unsigned char> s) { return {reinterpret_cast<const char*>(s.data()), s.size()}; }

}  // namespace

TEST_CASE("the page and its assets are served with their types and the security headers", "[web][http]") {
  test_server srv;
  client_io io;
  const struct {
    const char* target;
    const char* asset;
    const char* type;
  } cases[] = {{"/", "/index.html", "text/html; charset=utf-8"},
               {"/index.html", "/index.html", "text/html; charset=utf-8"},
               {"/app.js", "/app.js", "text/javascript; charset=utf-8"},
               {"/style.css", "/style.css", "text/css; charset=utf-8"}};
  for (const auto& c : cases) {
    INFO(c.target);
    const auto r = io.run(http_request(srv.port(), http::verb::get, c.target));
    CHECK(r.result() == http::status::ok);
    CHECK(field(r, "Content-Type") == c.type);
    CHECK(r.body() == as_string(web::asset(c.asset)));
    check_security_headers(r);
    CHECK(field(r, "Set-Cookie").empty());  // no token configured, no cookie
  }
  CHECK(srv.stop());
}

TEST_CASE("/stats.json is the backend's JSON and /metrics is Prometheus text", "[web][http]") {
  test_server srv;
  client_io io;
  const auto stats = io.run(http_request(srv.port(), http::verb::get, "/stats.json"));
  CHECK(stats.result() == http::status::ok);
  CHECK(field(stats, "Content-Type") == "application/json");
  CHECK(stats.body() == fake_backend::stats);
  CHECK_NOTHROW(boost::json::parse(stats.body()));
  check_security_headers(stats);

  const auto metrics = io.run(http_request(srv.port(), http::verb::get, "/metrics"));
  CHECK(metrics.result() == http::status::ok);
  CHECK(field(metrics, "Content-Type") == "text/plain; version=0.0.4");
  CHECK(metrics.body() == fake_backend::metrics_text);
  check_security_headers(metrics);
  CHECK(srv.stop());
}

TEST_CASE("unknown paths get 404 and other methods than GET get 405", "[web][http]") {
  test_server srv;
  client_io io;
  for (const char* t : {"/nope", "/video/x.mjpg", "/video/-1.mjpg", "/video/1.mjpeg", "/../etc/passwd", "/ws"}) {
    INFO(t);
    const auto r = io.run(http_request(srv.port(), http::verb::get, t));
    CHECK(r.result() == http::status::not_found);
    check_security_headers(r);
  }
  for (const auto verb : {http::verb::post, http::verb::put, http::verb::delete_, http::verb::head}) {
    const auto r = io.run(http_request(srv.port(), verb, "/stats.json"));
    CHECK(r.result() == http::status::method_not_allowed);
    CHECK(field(r, "Allow") == "GET");
    check_security_headers(r);
  }
  CHECK(srv.stop());
}

TEST_CASE("a request naming another host (DNS rebinding) gets 403", "[web][http]") {
  test_server srv;
  client_io io;
  const auto port = std::to_string(srv.port());
  for (const char* host : {"evil.example:", "localhost.evil.example:"}) {
    const auto r = io.run(http_request(srv.port(), http::verb::get, "/stats.json", {{"Host", host + port}}));
    CHECK(r.result() == http::status::forbidden);
    CHECK(r.body().find("peers") == std::string::npos);
  }
  const auto other_origin =
      io.run(http_request(srv.port(), http::verb::get, "/stats.json", {{"Origin", "http://evil.example:" + port}}));
  CHECK(other_origin.result() == http::status::forbidden);
  const auto ok = io.run(http_request(srv.port(), http::verb::get, "/stats.json", {{"Host", "localhost:" + port}}));
  CHECK(ok.result() == http::status::ok);
  CHECK(srv.stop());
}

TEST_CASE("the video of a stream that does not exist is 404, not a response held open", "[web][http][video]") {
  test_server srv;
  client_io io;
  for (const char* t : {"/video/2.mjpg", "/video/4096.mjpg"}) {
    INFO(t);
    CHECK(io.run(http_request(srv.port(), http::verb::get, t)).result() == http::status::not_found);
  }
  CHECK(srv.stop());
}

TEST_CASE("another site cannot embed what the node serves: Sec-Fetch-Site and Cross-Origin-Resource-Policy",
          "[web][http]") {
  test_server srv;
  client_io io;
  // What a browser sends for <img src="http://127.0.0.1:PORT/video/1.mjpg"> on
  // another site, or on another port of this host (the same site).
  for (const char* site : {"cross-site", "same-site"}) {
    for (const char* t : {"/video/1.mjpg", "/", "/stats.json"}) {
      INFO(site << " " << t);
      CHECK(io.run(http_request(srv.port(), http::verb::get, t, {{"Sec-Fetch-Site", site}})).result() ==
            http::status::forbidden);
    }
  }
  // The page's own requests, and one typed into the address bar.
  for (const char* site : {"same-origin", "none"}) {
    INFO(site);
    const auto r = io.run(http_request(srv.port(), http::verb::get, "/stats.json", {{"Sec-Fetch-Site", site}}));
    CHECK(r.result() == http::status::ok);
    CHECK(field(r, "Cross-Origin-Resource-Policy") == "same-origin");
  }
  CHECK(srv.stop());
}

TEST_CASE("web connections are bounded: idle ones count, and one past the limit is closed at once", "[web][http]") {
  web::web_config cfg;
  cfg.max_connections = 8;
  test_server srv(cfg);
  client_io io;
  const tcp::endpoint at(net::ip::make_address("127.0.0.1"), srv.port());
  // Connections that never send a request (the token is checked only once one arrives).
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 8; ++i) idle.emplace_back(io.ctx).connect(at);
  // Accepted in the order they came, so these find every slot taken.
  for (int i = 0; i < 3; ++i) CHECK_THROWS(io.run(http_request(srv.port(), http::verb::get, "/stats.json")));

  idle.front().close();
  idle.erase(idle.begin());
  // Its slot is free once the server has seen it close.
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    try {
      served = io.run(http_request(srv.port(), http::verb::get, "/stats.json")).result() == http::status::ok;
    } catch (const std::exception&) {
      io.run(pause(50ms));
    }
  }
  CHECK(served);
  CHECK(srv.stop());
}

TEST_CASE("with a token, every endpoint wants it in the URL or the cookie", "[web][http][token]") {
  web::web_config cfg;
  cfg.token = "s3cret";
  test_server srv(cfg);
  client_io io;
  for (const char* t : {"/", "/app.js", "/style.css", "/stats.json", "/metrics", "/video/0.mjpg", "/nope"}) {
    INFO(t);
    CHECK(io.run(http_request(srv.port(), http::verb::get, t)).result() == http::status::forbidden);
    CHECK(io.run(http_request(srv.port(), http::verb::get, std::string(t) + "?token=wrong")).result() ==
          http::status::forbidden);
  }
  const auto page = io.run(http_request(srv.port(), http::verb::get, "/?token=s3cret"));
  CHECK(page.result() == http::status::ok);
  const auto cookie = field(page, "Set-Cookie");
  CHECK(cookie.find("chat_node_token=s3cret") == 0);
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  for (const char* t : {"/app.js", "/style.css", "/stats.json", "/metrics"}) {
    INFO(t);
    const auto r = io.run(http_request(srv.port(), http::verb::get, t, {{"Cookie", "chat_node_token=s3cret"}}));
    CHECK(r.result() == http::status::ok);
    CHECK(field(r, "Set-Cookie").empty());
    CHECK(io.run(http_request(srv.port(), http::verb::get, std::string(t) + "?token=s3cret")).result() ==
          http::status::ok);
  }
  CHECK(srv.stop());
}

TEST_CASE("a connection serves several requests in a row (keep-alive)", "[web][http]") {
  test_server srv;
  client_io io;
  const auto bodies = io.run([](std::uint16_t port) -> awaitable<std::vector<std::string>> {
    beast::tcp_stream stream(co_await net::this_coro::executor);
    co_await stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::use_awaitable);
    beast::flat_buffer buffer;
    std::vector<std::string> out;
    for (const char* t : {"/stats.json", "/metrics", "/stats.json"}) {
      http::request<http::empty_body> req{http::verb::get, t, 11};
      req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
      co_await http::async_write(stream, req, net::use_awaitable);
      response res;
      co_await http::async_read(stream, buffer, res, net::use_awaitable);
      out.push_back(res.body());
    }
    co_return out;
  }(srv.port()));
  CHECK(bodies == std::vector<std::string>{fake_backend::stats, fake_backend::metrics_text, fake_backend::stats});
  CHECK(srv.stop());
}

TEST_CASE("the port in use is reported naming the address", "[web][http]") {
  test_server srv;
  fake_backend b;
  net::io_context ioc;
  try {
    web::web_server second(ioc, {"127.0.0.1", srv.port()}, b, {});
    FAIL("binding a port in use succeeded");
  } catch (const std::runtime_error& e) {
    CHECK(
        std::string(e.what()).starts_with("web page: cannot listen on 127.0.0.1:" + std::to_string(srv.port()) + ": "));
  }
  CHECK(srv.stop());
}

TEST_CASE("a request must arrive whole within the read deadline, however slowly it trickles", "[web][http][limits]") {
  web::web_config cfg;
  cfg.read_timeout = 300ms;
  test_server srv(cfg);
  const std::string start = "GET /stats.json HTTP/1.1\r\nHost: " + srv.host() + "\r\n";
  // Headers that never end.
  test_support::raw_client silent(srv.port());
  silent.send(start);
  const auto r = silent.read_until_closed(10s);
  CHECK(r.closed);
  CHECK(r.bytes.empty());
  // A byte every 100 ms does not extend the deadline: it is for the whole
  // request. Bounded: 100 bytes, 10 s, against a 300 ms deadline.
  test_support::raw_client trickle(srv.port());
  trickle.send(start);
  bool closed = false;
  int sent = 0;
  for (; sent < 100 && !closed; ++sent) {
    trickle.send("X");
    closed = trickle.read_until_closed(100ms).closed;
  }
  CHECK(closed);
  INFO("bytes trickled before the close: " << sent);
  CHECK(sent < 100);
  CHECK(srv.stop());
}

TEST_CASE("headers and bodies over 16 KiB end the connection unanswered while smaller ones are served",
          "[web][http][limits]") {
  test_server srv;
  const auto request = [&](const std::string& extra_header, const std::string& body) {
    test_support::raw_client c(srv.port());
    c.send("GET /stats.json HTTP/1.1\r\nHost: " + srv.host() + "\r\nConnection: close\r\n" + extra_header +
           (body.empty() ? "" : "Content-Length: " + std::to_string(body.size()) + "\r\n") + "\r\n" + body);
    return c.read_until_closed(10s);
  };
  const auto served = request("X-Filler: " + std::string(8 * 1024, 'a') + "\r\n", "");
  CHECK(served.closed);
  CHECK(served.bytes.starts_with("HTTP/1.1 200"));

  const auto big_header = request("X-Filler: " + std::string(17 * 1024, 'a') + "\r\n", "");
  CHECK(big_header.closed);
  CHECK(big_header.bytes.empty());

  const auto big_body = request("", std::string(17 * 1024, 'b'));
  CHECK(big_body.closed);
  CHECK(big_body.bytes.empty());
  CHECK(srv.stop());
}
