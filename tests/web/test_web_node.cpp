// The web page of real chat_node processes on 127.0.0.1: served from the
// node's own counters, and one conversation with the terminal and the peers.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <regex>
#include <set>

#include "support/child_process.hpp"
#include "support/nats_server.hpp"
#include "support/temp_dir.hpp"
#include "web_fixture.hpp"

using namespace web_test;
using test_support::child_process;
using test_support::start_connector;
using test_support::start_listener;
using stream = child_process::stream;

namespace {

namespace json = boost::json;

/// The port in "web page at http://127.0.0.1:PORT/", which the node prints at start.
std::uint16_t web_port(child_process& p) {
  const auto line = p.wait_for(stream::err, "web page at ");
  INFO(p.transcript(stream::err));
  REQUIRE(line);
  std::smatch m;
  REQUIRE(std::regex_search(*line, m, std::regex("web page at http://127\\.0\\.0\\.1:([0-9]+)/")));
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

json::value get_json(client_io& io, std::uint16_t port, const std::string& target) {
  const auto res = io.run(http_request(port, http::verb::get, target));
  REQUIRE(res.result() == http::status::ok);
  REQUIRE(res[http::field::content_type] == "application/json");
  return json::parse(res.body());
}

/// Reads /stats.json every 100 ms, at most `attempts` times, until `ready`
/// holds for it; returns the last reading either way.
template <class Ready>
json::value poll_stats(client_io& io, std::uint16_t port, Ready ready, int attempts = 200) {
  json::value v;
  for (int i = 0; i < attempts; ++i) {
    v = get_json(io, port, "/stats.json");
    if (ready(v)) break;
    io.run(pause(100ms));
  }
  return v;
}

std::int64_t peer_counter(const json::value& stats, const char* key) {
  const auto& peers = stats.at("peers").as_array();
  return peers.empty() ? -1 : peers.at(0).at(key).to_number<std::int64_t>();
}

/// Opens /ws as the node's own page would and returns the state message.
json::value open_page(client_io& io, ws_stream& ws, std::uint16_t port) {
  const auto host = "127.0.0.1:" + std::to_string(port);
  REQUIRE(io.run(ws_connect(ws, port, host, "/ws", "http://" + host)).result() == http::status::switching_protocols);
  const auto first = io.run(ws_read(ws));
  REQUIRE_FALSE(first.ec);
  return json::parse(first.data);
}

/// Reads the page's messages (bounded) until a JSON event satisfies `match`; video frames are skipped.
template <class Match>
std::optional<json::value> read_event(client_io& io, ws_stream& ws, Match match, int limit = 2000) {
  for (int i = 0; i < limit; ++i) {
    const auto m = io.run(ws_read(ws));
    if (m.ec) return std::nullopt;
    if (m.binary) continue;
    auto v = json::parse(m.data);
    if (match(v)) return v;
  }
  return std::nullopt;
}

auto of_type(const char* type) {
  return [type](const json::value& v) { return v.at("type") == type; };
}

std::vector<std::string> video_args() { return {"--test-pattern", "--size", "160x120", "--fps", "30"}; }

}  // namespace

TEST_CASE("a node's /stats.json and /metrics count the frames and text its peer sends", "[web][node]") {
  auto args = video_args();
  args.insert(args.end(), {"--web", "127.0.0.1:0"});
  auto alice = start_listener("alice", args);
  const auto port = web_port(*alice.process);
  auto bob = start_connector(alice.port, "bob", video_args());
  bob->write_stdin("hello from bob\n");

  client_io io;
  const auto stats = poll_stats(io, port, [](const json::value& v) {
    return peer_counter(v, "frames_decoded") >= 10 && peer_counter(v, "texts_received") >= 1;
  });
  INFO(json::serialize(stats));
  CHECK(stats.at("name") == "alice");
  CHECK(stats.at("listening").as_string() == "127.0.0.1:" + std::to_string(alice.port));
  CHECK(stats.at("frames_captured").to_number<std::int64_t>() > 0);
  CHECK(stats.at("source_fps").to_number<double>() == 30);  // the test pattern, paced at --fps
  REQUIRE(stats.at("peers").as_array().size() == 1);
  const auto& bob_stats = stats.at("peers").at(0);
  CHECK(bob_stats.at("name") == "bob");
  CHECK(bob_stats.at("frames_decoded").to_number<std::int64_t>() >= 10);
  CHECK(bob_stats.at("texts_received").to_number<std::int64_t>() == 1);
  CHECK(bob_stats.at("width") == 160);
  CHECK(bob_stats.at("height") == 120);

  const auto metrics = io.run(http_request(port, http::verb::get, "/metrics"));
  REQUIRE(metrics.result() == http::status::ok);
  CHECK(metrics[http::field::content_type].starts_with("text/plain; version=0.0.4"));
  const std::regex decoded(R"(\nchat_node_peer_frames_decoded_total\{peer="1",name="bob"\} ([0-9]+)\n)");
  std::smatch m;
  const std::string body = metrics.body();
  REQUIRE(std::regex_search(body, m, decoded));
  CHECK(std::stoll(m[1]) >= 10);
}

TEST_CASE("text from the page reaches the peer's terminal and every page, as text", "[web][node]") {
  auto alice = start_listener("alice", {"--no-video", "--web", "127.0.0.1:0"});
  const auto port = web_port(*alice.process);
  client_io io;
  ws_stream page(io.ctx);
  const auto state = open_page(io, page, port);
  CHECK(state.at("type") == "state");
  CHECK(state.at("name") == "alice");
  CHECK(state.at("peers").as_array().empty());

  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  const auto join = read_event(io, page, of_type("join"));
  REQUIRE(join);
  CHECK(join->at("name") == "bob");

  const std::string html = "<b>bold?</b> & <script>alert(1)</script> from the page";
  REQUIRE_FALSE(io.run(ws_write(page, json::serialize(json::object{{"type", "text"}, {"text", html}}))));
  // The peer's terminal and ours show it, byte for byte; so does the page, as an event to render as text.
  CHECK(bob->wait_for(stream::out, "] alice: " + html));
  CHECK(alice.process->wait_for(stream::out, "] alice: " + html));
  const auto echo = read_event(io, page, of_type("text"));
  REQUIRE(echo);
  CHECK(echo->at("from") == "alice");
  CHECK(echo->at("text").as_string() == html);

  // And the other way: a line typed in bob's terminal reaches alice's page.
  bob->write_stdin("typed by bob\n");
  const auto typed = read_event(io, page, of_type("text"));
  REQUIRE(typed);
  CHECK(typed->at("from") == "bob");
  CHECK(typed->at("text") == "typed by bob");

  bob->close_stdin();
  const auto leave = read_event(io, page, of_type("leave"));
  REQUIRE(leave);
  CHECK(leave->at("id") == join->at("id"));
  CHECK(bob->wait_exit() == 0);
}

TEST_CASE("a peer name with HTML reaches the page as data", "[web][node]") {
  auto alice = start_listener("alice", {"--no-video", "--web", "127.0.0.1:0"});
  const auto port = web_port(*alice.process);
  client_io io;
  ws_stream page(io.ctx);
  open_page(io, page, port);

  // An element with a script, if parsed. (Names with control characters, such
  // as terminal escapes, are refused at the hello: tests/process/test_hostile_peers.cpp.)
  const std::string name = "<img src=x onerror=alert(1)> & \"q\"";
  auto bob = start_connector(alice.port, name, {"--no-video"});
  const auto join = read_event(io, page, of_type("join"));
  REQUIRE(join);
  // The page gets the name as data: a JSON string, which it renders with textContent.
  CHECK(join->at("name").as_string() == name);
  bob->write_stdin("hello from a strange name\n");
  CHECK(alice.process->wait_for(stream::out, "] " + name + ": hello from a strange name"));
}

TEST_CASE("the page's connect form connects the node to another", "[web][node]") {
  auto carol = start_listener("carol", {"--no-video"});
  auto alice = start_listener("alice", {"--no-video", "--web", "127.0.0.1:0"});
  const auto port = web_port(*alice.process);
  client_io io;
  ws_stream page(io.ctx);
  open_page(io, page, port);

  const auto to = "127.0.0.1:" + std::to_string(carol.port);
  REQUIRE_FALSE(io.run(ws_write(page, json::serialize(json::object{{"type", "connect"}, {"to", to}}))));
  const auto join = read_event(io, page, of_type("join"));
  REQUIRE(join);
  CHECK(join->at("name") == "carol");
  CHECK(carol.process->wait_for(stream::out, "* alice ("));

  // A refused connection is reported on the page, and the node carries on.
  auto closed = start_listener("closed", {"--no-video"});
  const auto closed_port = closed.port;
  closed.process->signal(SIGKILL);
  REQUIRE(closed.process->wait_exit());
  const auto refused = "127.0.0.1:" + std::to_string(closed_port);
  REQUIRE_FALSE(io.run(ws_write(page, json::serialize(json::object{{"type", "connect"}, {"to", refused}}))));
  const auto notice = read_event(io, page, [&](const json::value& v) {
    return v.at("type") == "notice" && v.at("text").as_string().starts_with("could not connect to " + refused);
  });
  CHECK(notice);
  REQUIRE_FALSE(io.run(ws_write(page, R"({"type":"text","text":"still here"})")));
  CHECK(carol.process->wait_for(stream::out, "] alice: still here"));
}

TEST_CASE("the video of no peer, or of a node without a camera, is 404", "[web][node][video]") {
  auto alice = start_listener("alice", {"--no-video", "--web", "127.0.0.1:0"});
  const auto port = web_port(*alice.process);
  auto bob = start_connector(alice.port, "bob", {"--no-video"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  client_io io;
  for (const char* t : {"/video/0.mjpg", "/video/2.mjpg", "/video/77.mjpg"}) {
    INFO(t);
    CHECK(io.run(http_request(port, http::verb::get, t)).result() == http::status::not_found);
  }
}

TEST_CASE("a peer's video is served as MJPEG that decodes, and reaches the page as binary frames",
          "[web][node][video]") {
  auto args = video_args();
  args.insert(args.end(), {"--web", "127.0.0.1:0"});
  auto alice = start_listener("alice", args);
  const auto port = web_port(*alice.process);
  auto bob = start_connector(alice.port, "bob", video_args());
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));

  client_io io;
  mjpeg_viewer viewer(io.ctx);
  CHECK(io.run(viewer.open(port, "/video/1.mjpg")).starts_with("HTTP/1.1 200 OK\r\n"));
  for (int i = 0; i < 3; ++i) {
    const auto img = decode_jpeg(io.run(viewer.part()));
    REQUIRE_FALSE(img.empty());
    CHECK((img.cols == 160 && img.rows == 120));
  }

  ws_stream page(io.ctx);
  open_page(io, page, port);
  std::set<std::uint32_t> peers_seen;
  for (int i = 0; i < 2000 && peers_seen.size() < 2; ++i) {
    const auto m = io.run(ws_read(page));
    REQUIRE_FALSE(m.ec);
    if (!m.binary) continue;
    REQUIRE(m.data.size() > 4);
    const auto peer = (std::uint32_t(std::uint8_t(m.data[0])) << 24) | (std::uint32_t(std::uint8_t(m.data[1])) << 16) |
                      (std::uint32_t(std::uint8_t(m.data[2])) << 8) | std::uint8_t(m.data[3]);
    CHECK(!decode_jpeg(m.data.substr(4)).empty());
    peers_seen.insert(peer);
  }
  // 0 is our own camera (the preview), 1 is bob.
  CHECK(peers_seen == std::set<std::uint32_t>{0, 1});
}

TEST_CASE("off loopback the page needs the token the node prints", "[web][node][token]") {
  // Bound to every interface, but reached here through 127.0.0.1 only.
  auto alice = start_listener("alice", {"--no-video", "--web", "0.0.0.0:0"});
  const auto line = alice.process->wait_for(stream::err, "web page at ");
  REQUIRE(line);
  std::smatch m;
  REQUIRE(std::regex_search(*line, m, std::regex("http://127\\.0\\.0\\.1:([0-9]+)/\\?token=([0-9a-f]{32}) ")));
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  const std::string token = m[2];

  client_io io;
  CHECK(io.run(http_request(port, http::verb::get, "/stats.json")).result() == http::status::forbidden);
  CHECK(io.run(http_request(port, http::verb::get, "/stats.json?token=0123")).result() == http::status::forbidden);
  CHECK(io.run(http_request(port, http::verb::get, "/stats.json?token=" + token)).result() == http::status::ok);
}

TEST_CASE("with --tls the node serves its page over HTTPS, with the identity it prints", "[web][node][tls]") {
  test_support::temp_dir dir;
  auto alice =
      start_listener("alice", {"--no-video", "--tls", "--config-dir", dir.path.string(), "--web", "127.0.0.1:0"});
  const auto line = alice.process->wait_for(stream::err, "web page at https://127.0.0.1:");
  INFO(alice.process->transcript(stream::err));
  REQUIRE(line);
  std::smatch m;
  REQUIRE(std::regex_search(*line, m, std::regex("https://127\\.0\\.0\\.1:([0-9]+)/")));
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  const auto identity = alice.process->wait_for(stream::err, "TLS 1.3: this node is sha256:");
  REQUIRE(identity);
  client_io io;
  const auto got = io.run(https_get(port, "/stats.json"));
  CHECK(got.res.result() == http::status::ok);
  CHECK(identity->find(got.fingerprint) != std::string::npos);
}

TEST_CASE("a web port in use is reported at start and the node exits 1", "[web][node]") {
  auto alice = start_listener("alice", {"--no-video", "--web", "127.0.0.1:0"});
  const auto port = web_port(*alice.process);
  child_process second({test_support::chat_node_binary(), "--listen", "127.0.0.1:0", "--no-video", "--web",
                        "127.0.0.1:" + std::to_string(port)});
  CHECK(second.wait_exit() == 1);
  CHECK(second.wait_for(stream::err,
                        "web page: cannot listen on 127.0.0.1:" + std::to_string(port) + ": Address already in use"));
}

TEST_CASE("the page lists who is on the cluster's other nodes, and when they leave", "[web][node][cluster]") {
  test_support::temp_dir dir;
  test_support::nats_server server(dir.path / "js");
  const std::vector<std::string> cluster{"--no-video", "--cluster", server.url()};
  auto with_page = cluster;
  with_page.insert(with_page.end(), {"--web", "127.0.0.1:0"});
  auto alice = start_listener("alice", with_page);
  const auto port = web_port(*alice.process);
  auto bob = start_listener("bob", cluster);
  client_io io;
  ws_stream page(io.ctx);
  open_page(io, page, port);
  auto peggy = start_connector(bob.port, "peggy", {"--no-video"});
  const auto is_peggy = [](const json::value& v) { return v.at("type") == "join" && v.at("name") == "peggy"; };
  const auto join = read_event(io, page, is_peggy);
  REQUIRE(join);
  CHECK(join->at("address") == "at bob's node");
  peggy->close_stdin();
  REQUIRE(peggy->wait_exit() == 0);
  const auto id = join->at("id");
  const auto leave =
      read_event(io, page, [&](const json::value& v) { return v.at("type") == "leave" && v.at("id") == id; });
  REQUIRE(leave);
  CHECK(leave->at("reason") == "left");
}
