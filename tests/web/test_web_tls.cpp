// The page over HTTPS (--web with --tls): the node's own certificate, the
// WebSocket over TLS with an https:// Origin, and nothing served in plain text.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "chatnode/security/identity.hpp"
#include "chatnode/security/tls_context.hpp"
#include "support/temp_dir.hpp"
#include "web_fixture.hpp"

using namespace web_test;
namespace sec = chatnode::security;

namespace {

/// A server presenting an identity made for the test.
struct tls_server {
  test_support::temp_dir dir;
  sec::identity id = sec::load_or_create_identity(dir.path, "tester");
  net::ssl::context ctx = sec::make_web_tls_context(id);
  test_server server{[this] {
    web::web_config cfg;
    cfg.tls = &ctx;
    return cfg;
  }()};
};

}  // namespace

TEST_CASE("with TLS the page is served over HTTPS with the node's own certificate", "[web][tls]") {
  tls_server s;
  client_io io;
  const auto got = io.run(https_get(s.server.port(), "/"));
  CHECK(got.fingerprint == s.id.fingerprint);
  CHECK(got.res.result() == http::status::ok);
  CHECK(got.res.body().find("<!doctype html>") != std::string::npos);
  const auto stats = io.run(https_get(s.server.port(), "/stats.json"));
  CHECK(stats.res.result() == http::status::ok);
  CHECK(stats.res.body() == fake_backend::stats);
}

TEST_CASE("with TLS the WebSocket runs over TLS and wants an https:// Origin", "[web][tls]") {
  tls_server s;
  client_io io;
  const auto origin = "https://127.0.0.1:" + std::to_string(s.server.port());
  ws_stream ws(io.ctx, tls_client_context());
  REQUIRE(io.run(wss_connect(ws, s.server.port(), origin)).result() == http::status::switching_protocols);
  const auto first = io.run(ws_read(ws));
  REQUIRE_FALSE(first.ec);
  CHECK(boost::json::parse(first.data).at("type") == "state");

  // The same page served over plain HTTP is another origin.
  ws_stream plain_origin(io.ctx, tls_client_context());
  CHECK(io.run(wss_connect(plain_origin, s.server.port(), "http://127.0.0.1:" + std::to_string(s.server.port())))
            .result() == http::status::forbidden);
}

TEST_CASE("with TLS a plain HTTP request is answered with nothing and closed", "[web][tls]") {
  tls_server s;
  client_io io;
  // Beast reads the answer as an error: the server closes after failing the handshake, sending no HTTP.
  CHECK_THROWS(io.run(http_request(s.server.port(), http::verb::get, "/stats.json")));
  // And the server goes on serving HTTPS.
  CHECK(io.run(https_get(s.server.port(), "/stats.json")).res.result() == http::status::ok);
}
