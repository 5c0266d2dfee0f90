// The page's WebSocket: who may open it, what it receives, what it may send.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "web_fixture.hpp"

using namespace web_test;

namespace {

/// Opens /ws as the page would (our Origin) and reads the state message.
void open_page(client_io& io, ws_stream& ws, test_server& srv, std::string target = "/ws") {
  const auto res = io.run(ws_connect(ws, srv.port(), srv.host(), std::move(target), srv.origin()));
  REQUIRE(res.result() == http::status::switching_protocols);
  const auto state = io.run(ws_read(ws));
  REQUIRE_FALSE(state.ec);
  CHECK_FALSE(state.binary);
  CHECK(state.data == fake_backend::state);
}

/// Reads until the connection ends; the code of the close frame the server
/// sent, or -1 without one. (Beast 1.81's server teardown may close the socket
/// before our close reply goes out, so the read can end in "broken pipe" after
/// the close frame arrived.)
awaitable<int> read_until_closed(ws_stream& ws) {
  for (;;) {
    const auto m = co_await ws_read(ws);
    if (m.ec) co_return ws.reason().code != websocket::close_code::none ? static_cast<int>(ws.reason().code) : -1;
  }
}

int read_until_closed(client_io& io, ws_stream& ws, std::chrono::milliseconds limit = 5s) {
  return io.run(read_until_closed(ws), limit);
}

}  // namespace

TEST_CASE("a WebSocket from another site's page, or for another Host, gets 403", "[web][ws]") {
  test_server srv;
  client_io io;
  const auto port = std::to_string(srv.port());
  const struct {
    std::string host;
    std::optional<std::string> origin;
  } refused[] = {{srv.host(), "http://evil.example:" + port},
                 {srv.host(), "https://" + srv.host()},
                 {srv.host(), "null"},
                 {"evil.example:" + port, "http://evil.example:" + port},
                 {"evil.example:" + port, std::nullopt}};
  for (const auto& r : refused) {
    INFO(r.host << " " << r.origin.value_or("(no origin)"));
    ws_stream ws(io.ctx);
    CHECK(io.run(ws_connect(ws, srv.port(), r.host, "/ws", r.origin)).result() == http::status::forbidden);
  }
  CHECK(srv.stop());
}

TEST_CASE("a page's WebSocket gets the state first, then what is published", "[web][ws]") {
  test_server srv;
  client_io io;
  ws_stream ws(io.ctx);
  open_page(io, ws, srv);
  srv.server().publish(R"({"type":"text","from":"bob","text":"hi","time":1})");
  srv.server().publish(R"({"type":"leave","id":1})");
  CHECK(io.run(ws_read(ws)).data == R"({"type":"text","from":"bob","text":"hi","time":1})");
  CHECK(io.run(ws_read(ws)).data == R"({"type":"leave","id":1})");

  // Without an Origin (a non-browser client) the Host check alone applies.
  ws_stream plain(io.ctx);
  CHECK(
      io.run(ws_connect(plain, srv.port(), "localhost:" + std::to_string(srv.port()), "/ws", std::nullopt)).result() ==
      http::status::switching_protocols);
  CHECK(srv.stop());
}

TEST_CASE("text and connect messages from the page reach the backend", "[web][ws]") {
  test_server srv;
  client_io io;
  ws_stream ws(io.ctx);
  open_page(io, ws, srv);
  const std::string multi_line = "héllo\nwörld ✓";
  REQUIRE_FALSE(
      io.run(ws_write(ws, boost::json::serialize(boost::json::object{{"type", "text"}, {"text", multi_line}}))));
  REQUIRE_FALSE(io.run(ws_write(ws, R"({"type":"connect","to":"example.org:9999"})")));
  CHECK(srv.backend().texts(1) == std::vector<std::string>{multi_line});
  CHECK(srv.backend().connects(1) == std::vector<std::string>{"example.org:9999"});

  // Mistakes get an error event and the page stays connected.
  for (const char* bad : {"not json", R"({"type":"connect","to":"no-port"})", R"({"type":"dance"})",
                          R"({"type":"text","text":"\ud800"})", R"({"type":"text"})"}) {
    INFO(bad);
    REQUIRE_FALSE(io.run(ws_write(ws, bad)));
    const auto reply = io.run(ws_read(ws));
    REQUIRE_FALSE(reply.ec);
    const auto v = boost::json::parse(reply.data);
    CHECK(v.at("type") == "error");
  }
  CHECK(srv.backend().texts(1, 0ms).size() == 1);
  CHECK(srv.backend().connects(1, 0ms).size() == 1);
  CHECK(srv.stop());
}

TEST_CASE("a message over the cap is closed with too_big, invalid UTF-8 with bad_payload", "[web][ws]") {
  test_server srv;
  client_io io;
  {
    ws_stream ws(io.ctx);
    open_page(io, ws, srv);
    const std::string huge = R"({"type":"text","text":")" + std::string(70 * 1024, 'x') + "\"}";
    io.run(ws_write(ws, huge));  // the server may close before it has read it all
    CHECK(read_until_closed(io, ws) == static_cast<int>(websocket::close_code::too_big));
  }
  {
    // Under the message cap, but the text itself over 64 KiB.
    ws_stream ws(io.ctx);
    open_page(io, ws, srv);
    const std::string big = R"({"type":"text","text":")" + std::string(64 * 1024 + 1, 'y') + "\"}";
    REQUIRE_FALSE(io.run(ws_write(ws, big)));
    CHECK(read_until_closed(io, ws) == static_cast<int>(websocket::close_code::too_big));
  }
  {
    ws_stream ws(io.ctx);
    open_page(io, ws, srv);
    REQUIRE_FALSE(io.run(ws_write(ws, "{\"type\":\"text\",\"text\":\"\xC3\x28\"}")));
    CHECK(read_until_closed(io, ws) == static_cast<int>(websocket::close_code::bad_payload));
  }
  {
    ws_stream ws(io.ctx);
    open_page(io, ws, srv);
    REQUIRE_FALSE(io.run(ws_write(ws, "binary", true)));
    CHECK(read_until_closed(io, ws) == static_cast<int>(websocket::close_code::unknown_data));
  }
  CHECK(srv.backend().texts(1, 0ms).empty());
  CHECK(srv.stop());
}

TEST_CASE("published frames arrive as binary messages: peer number, then the JPEG intact", "[web][ws][video]") {
  test_server srv;
  client_io io;
  ws_stream ws(io.ctx);
  open_page(io, ws, srv);
  for (const int peer : {0, 7, 258}) {
    const auto f = make_frame(static_cast<std::uint32_t>(peer + 1), 64, 48);
    srv.server().publish_frame(peer, f);
    const auto m = io.run(ws_read(ws));
    REQUIRE_FALSE(m.ec);
    REQUIRE(m.binary);
    REQUIRE(m.data.size() == 4 + f->jpeg().size());
    const auto* p = reinterpret_cast<const unsigned char*>(m.data.data());
    CHECK(((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) == peer);
    CHECK(std::equal(f->jpeg().begin(), f->jpeg().end(), p + 4));
  }
  CHECK(srv.stop());
}

TEST_CASE("with a token, the WebSocket needs it too", "[web][ws][token]") {
  web::web_config cfg;
  cfg.token = "s3cret";
  test_server srv(cfg);
  client_io io;
  ws_stream refused(io.ctx);
  CHECK(io.run(ws_connect(refused, srv.port(), srv.host(), "/ws", srv.origin())).result() == http::status::forbidden);
  ws_stream ws(io.ctx);
  open_page(io, ws, srv, "/ws?token=s3cret");
  CHECK(srv.stop());
}

TEST_CASE("stop() closes every page with going_away and run() returns", "[web][ws][stop]") {
  test_server srv;
  client_io io;
  ws_stream a(io.ctx), b(io.ctx);
  open_page(io, a, srv);
  open_page(io, b, srv);
  // An idle HTTP connection, and one stuck halfway through its request.
  beast::tcp_stream idle(io.ctx), half(io.ctx);
  idle.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), srv.port()));
  half.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), srv.port()));
  net::write(half, net::buffer(std::string("GET / HTTP/1.1\r\nHost: ")));

  // The pages keep reading, as live ones do, so their close handshakes complete.
  std::atomic<bool> stopped_in_time{false};
  std::thread stopper([&] { stopped_in_time = srv.stop(3s); });
  const auto codes = io.run(
      [](ws_stream& a, ws_stream& b) -> awaitable<std::pair<int, int>> {
        using namespace net::experimental::awaitable_operators;
        auto [ca, cb] = co_await (read_until_closed(a) && read_until_closed(b));
        co_return std::pair{ca, cb};
      }(a, b),
      5s);
  stopper.join();
  CHECK(stopped_in_time);
  CHECK(codes.first == static_cast<int>(websocket::close_code::going_away));
  CHECK(codes.second == static_cast<int>(websocket::close_code::going_away));
}

TEST_CASE("stop() ends pages that don't answer the close within close_timeout", "[web][ws][stop]") {
  web::web_config cfg;
  cfg.close_timeout = 300ms;
  test_server srv(cfg);
  client_io io;
  ws_stream ws(io.ctx);
  open_page(io, ws, srv);
  const auto started = std::chrono::steady_clock::now();
  CHECK(srv.stop(3s));
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(read_until_closed(io, ws) == static_cast<int>(websocket::close_code::going_away));
}
