// /stats.json and /metrics from one snapshot: valid JSON, valid Prometheus
// text format, and names that cannot break either.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <map>
#include <regex>
#include <sstream>

#include "chatnode/stats/exposition.hpp"

using namespace chatnode::stats;

namespace {

std::vector<peer_view> two_peers() {
  auto a = std::make_shared<peer_stats>();
  a->frames_decoded = 42;
  a->texts_received = 3;
  a->rtt_us = 1500;
  a->fps_in = 29.5;
  a->latency_us.add(12000);
  a->link_kbps = 1900;
  a->queue_ms = 12.5;
  a->rung = 5;
  a->frames_held = 4;
  a->sent_quality = 50;
  a->sent_width = 320;
  a->sent_height = 240;
  auto b = std::make_shared<peer_stats>();  // nothing measured yet: rtt and latency absent
  // A name with everything that needs escaping in a label or a JSON string.
  return {{1, "bob", "127.0.0.1:5000", a}, {2, "m\"a\\l\nlory", "127.0.0.1:5001", b}};
}

node_summary summary() {
  node_summary n;
  n.name = "alice";
  n.version = "1.2.3";
  n.listening = "127.0.0.1:9999";
  n.frames_captured = 7;
  n.frames_capture_skipped = 3;
  n.source_fps = 10;
  n.texts_said = 2;
  cluster_figures c;
  c.room = "lob\"by";
  c.text_connected = true;
  c.stream_ready = true;
  c.texts_waiting = 12;
  c.texts_stored = 40;
  c.frames_oversized = 1;
  c.people_elsewhere = 30;
  n.cluster = c;
  return n;
}

}  // namespace

TEST_CASE("stats JSON carries the node and each peer's counters, null where nothing was measured", "[exposition]") {
  const auto v = boost::json::parse(to_json(summary(), two_peers()));
  CHECK(v.at("name") == "alice");
  CHECK(v.at("frames_captured") == 7);
  CHECK(v.at("frames_capture_skipped") == 3);
  CHECK(v.at("source_fps").to_number<double>() == 10);
  CHECK(v.at("texts_said") == 2);
  const auto& peers = v.at("peers").as_array();
  REQUIRE(peers.size() == 2);
  CHECK(peers[0].at("frames_decoded") == 42);
  CHECK(peers[0].at("texts_received") == 3);
  CHECK(peers[0].at("rtt_ms").as_double() == Approx(1.5));
  CHECK(peers[0].at("latency_ms").at("p50").as_double() == Approx(12.0));
  // How our video to the peer adapts to its link.
  CHECK(peers[0].at("link_kbps").to_number<double>() == Approx(1900));
  CHECK(peers[0].at("queue_ms").to_number<double>() == Approx(12.5));
  CHECK(peers[0].at("rung") == 5);
  CHECK(peers[0].at("frames_held") == 4);
  CHECK(peers[0].at("sent_quality") == 50);
  CHECK(peers[0].at("sent_width") == 320);
  CHECK(peers[0].at("sent_height") == 240);
  CHECK(peers[1].at("name").as_string() == "m\"a\\l\nlory");
  CHECK(peers[1].at("rtt_ms").is_null());
  CHECK(peers[1].at("latency_ms").at("p99").is_null());

  node_summary connecting = summary();
  connecting.listening.clear();
  CHECK(boost::json::parse(to_json(connecting, {})).at("listening").is_null());
}

TEST_CASE("metrics follow the Prometheus text format: HELP and TYPE once, then that family's samples", "[exposition]") {
  const auto text = to_prometheus(summary(), two_peers());
  REQUIRE(text.ends_with("\n"));
  const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf))");
  const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped))");
  std::map<std::string, int> typed;  // family -> times declared
  std::string current;
  std::istringstream in(text);
  int samples = 0;
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      current = m[1];
    } else if (std::regex_match(line, m, type)) {
      REQUIRE(m[1] == current);
      ++typed[current];
    } else {
      REQUIRE(std::regex_match(line, m, sample));
      CHECK(m[1] == current);  // samples sit under their own family
      ++samples;
    }
  }
  for (const auto& [family, n] : typed) CHECK(n == 1);
  CHECK(samples > 20);
  CHECK(text.find("chat_node_peer_frames_decoded_total{peer=\"1\",name=\"bob\"} 42\n") != std::string::npos);
  CHECK(text.find("name=\"m\\\"a\\\\l\\nlory\"") != std::string::npos);
  CHECK(text.find("chat_node_peer_video_latency_seconds{peer=\"1\",name=\"bob\",quantile=\"0.5\"} 0.012") !=
        std::string::npos);
  CHECK(text.find("chat_node_peer_rtt_seconds{peer=\"2\"") == std::string::npos);  // not measured: no sample
  CHECK(text.find("chat_node_peer_link_kbps{peer=\"1\",name=\"bob\"} 1900\n") != std::string::npos);
  CHECK(text.find("chat_node_peer_rung{peer=\"1\",name=\"bob\"} 5\n") != std::string::npos);
  CHECK(text.find("chat_node_peer_frames_held_total{peer=\"1\",name=\"bob\"} 4\n") != std::string::npos);
}

TEST_CASE("with a cluster, both carry how it stands; without one, JSON says null and metrics say nothing",
          "[exposition][cluster]") {
  const auto n = summary();
  const auto v = boost::json::parse(to_json(n, {}));
  const auto& c = v.at("cluster").as_object();
  CHECK(c.at("room").as_string() == "lob\"by");
  CHECK(c.at("text_connected").as_bool());
  CHECK_FALSE(c.at("video_connected").as_bool());
  CHECK(c.at("texts_waiting").to_number<int>() == 12);
  CHECK(c.at("texts_stored").to_number<int>() == 40);
  CHECK(c.at("frames_oversized").to_number<int>() == 1);
  const auto text = to_prometheus(n, {});
  CHECK(text.find("chat_node_cluster_texts_waiting{room=\"lob\\\"by\"} 12\n") != std::string::npos);
  CHECK(text.find("chat_node_cluster_texts_stored_total{room=\"lob\\\"by\"} 40\n") != std::string::npos);
  CHECK(text.find("chat_node_cluster_video_connected{room=\"lob\\\"by\"} 0\n") != std::string::npos);

  auto alone = n;
  alone.cluster.reset();
  CHECK(boost::json::parse(to_json(alone, {})).at("cluster").is_null());
  CHECK(to_prometheus(alone, {}).find("chat_node_cluster_") == std::string::npos);
}

TEST_CASE("the status line says why the cluster's lines wait", "[exposition][cluster]") {
  cluster_figures c;
  c.room = "lobby";
  CHECK(cluster_status(c) == "cluster lobby: no server");
  c.text_connected = true;
  c.texts_waiting = 1;
  CHECK(cluster_status(c) == "cluster lobby: waiting for the stream, 1 line waits");
  c.stream_ready = true;
  c.texts_waiting = 12;
  c.people_elsewhere = 3;
  CHECK(cluster_status(c) == "cluster lobby: storing, 12 lines wait, 3 elsewhere");
  c.texts_waiting = 0;
  CHECK(cluster_status(c) == "cluster lobby: ok, 3 elsewhere");
}
