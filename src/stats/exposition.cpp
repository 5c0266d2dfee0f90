#include "chatnode/stats/exposition.hpp"

#include <cstdio>

#include <boost/json.hpp>

namespace chatnode::stats {
namespace {

namespace json = boost::json;

/// Milliseconds, or null when nothing was measured (negative).
json::value ms_or_null(std::int64_t us) {
  if (us < 0) return nullptr;
  return static_cast<double>(us) / 1000.0;
}

/// A counter of one peer: how the JSON key, the metric name and the help text line up.
struct counter {
  const char* key;
  const char* help;
  std::atomic<std::uint64_t> peer_stats::*member;
};

constexpr counter peer_counters[] = {
    {"bytes_sent", "Bytes written to the peer", &peer_stats::bytes_sent},
    {"bytes_received", "Bytes read from the peer", &peer_stats::bytes_received},
    {"texts_sent", "Chat messages sent to the peer", &peer_stats::texts_sent},
    {"texts_received", "Chat messages received from the peer", &peer_stats::texts_received},
    {"frames_sent", "Video frames written to the peer", &peer_stats::frames_sent},
    {"frames_received", "Video frames reassembled from the peer", &peer_stats::frames_received},
    {"frames_decoded", "Video frames from the peer decoded", &peer_stats::frames_decoded},
    {"frames_replaced", "Outgoing frames replaced by a newer one before they were sent", &peer_stats::frames_replaced},
    {"frames_held", "Outgoing frames skipped because the link's queue would not drain in time",
     &peer_stats::frames_held},
    {"frames_skipped", "Incoming frames skipped because a newer one came while decoding", &peer_stats::frames_skipped},
    {"frames_undecodable", "Incoming frames that were not valid JPEG", &peer_stats::frames_undecodable},
};

struct rate {
  const char* key;
  const char* help;
  std::atomic<double> peer_stats::*member;
};

constexpr rate peer_rates[] = {
    {"fps_in", "Frames per second decoded from the peer, over the last second", &peer_stats::fps_in},
    {"fps_out", "Frames per second sent to the peer, over the last second", &peer_stats::fps_out},
    {"kbps_in", "Kilobits per second received from the peer, over the last second", &peer_stats::kbps_in},
    {"kbps_out", "Kilobits per second sent to the peer, over the last second", &peer_stats::kbps_out},
    {"link_kbps", "Estimated rate of the link to the peer, kilobits per second; 0 until measured",
     &peer_stats::link_kbps},
    {"queue_ms", "Milliseconds a byte written to the peer now waits before it is on its way", &peer_stats::queue_ms},
};

/// Where the link to the peer stands on its quality ladder, and what our last frame to it was.
struct level {
  const char* key;
  const char* help;
  std::atomic<int> peer_stats::*member;
};

constexpr level peer_levels[] = {
    {"rung", "Rung of the link's quality ladder: 0 is what the user asked for, higher gives way more",
     &peer_stats::rung},
    {"sent_quality", "JPEG quality of the last frame of ours sent to the peer; 0 before the first",
     &peer_stats::sent_quality},
    {"sent_width", "Width of the last frame of ours sent to the peer", &peer_stats::sent_width},
    {"sent_height", "Height of the last frame of ours sent to the peer", &peer_stats::sent_height},
};

/// A cluster figure: its JSON key, metric name and help text.
struct cluster_counter {
  const char* key;
  const char* help;
  std::uint64_t cluster_figures::*member;
  bool total;  ///< a counter (name ends in _total), not a gauge
};

constexpr cluster_counter cluster_counters[] = {
    {"texts_waiting", "Lines said here not yet stored in the room's stream", &cluster_figures::texts_waiting, false},
    {"texts_stored", "Lines said here and stored in the room's stream", &cluster_figures::texts_stored, true},
    {"texts_refused", "Lines said here while the wait for the stream was full: not taken",
     &cluster_figures::texts_refused, true},
    {"texts_delivered", "Lines from the room's stream handed to this node's room", &cluster_figures::texts_delivered,
     true},
    {"frames_sent", "Frames of this node's origins published to the cluster", &cluster_figures::frames_sent, true},
    {"frames_oversized", "Frames over the server's max_payload, not sent", &cluster_figures::frames_oversized, true},
    {"frames_received", "Frames from the room's other nodes", &cluster_figures::frames_received, true},
    {"frames_dropped", "Frames from other nodes dropped by the client while this node was behind",
     &cluster_figures::frames_dropped, true},
    {"people_elsewhere", "People on the room's other nodes, as their presence says", &cluster_figures::people_elsewhere,
     false},
};

constexpr std::pair<const char*, double> quantiles[] = {{"p50", 50}, {"p95", 95}, {"p99", 99}};

/// A label value in the exposition format: backslash, quote and newline escaped.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void family(std::string& out, const std::string& name, const char* type, const char* help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string to_json(const node_summary& node, const std::vector<peer_view>& peers) {
  json::array list;
  for (const auto& p : peers) {
    const auto& s = *p.stats;
    json::object o{{"id", p.id}, {"name", p.name}, {"address", p.address}, {"rtt_ms", ms_or_null(s.rtt_us)}};
    for (const auto& c : peer_counters) o[c.key] = (s.*c.member).load(std::memory_order_relaxed);
    for (const auto& r : peer_rates) o[r.key] = (s.*r.member).load(std::memory_order_relaxed);
    for (const auto& l : peer_levels) o[l.key] = (s.*l.member).load(std::memory_order_relaxed);
    o["width"] = s.width.load();
    o["height"] = s.height.load();
    json::object latency;
    for (const auto& [key, q] : quantiles) latency[key] = ms_or_null(s.latency_us.percentile(q));
    o["latency_ms"] = std::move(latency);
    list.push_back(std::move(o));
  }
  json::object root{{"name", node.name},
                    {"version", node.version},
                    {"listening", node.listening.empty() ? json::value(nullptr) : json::value(node.listening)},
                    {"uptime_s", node.uptime_s},
                    {"frames_captured", node.frames_captured},
                    {"frames_capture_skipped", node.frames_capture_skipped},
                    {"fps_captured", node.fps_captured},
                    {"source_fps", node.source_fps},
                    {"texts_said", node.texts_said},
                    {"web_clients", node.web_clients},
                    {"cluster", nullptr},
                    {"peers", std::move(list)}};
  if (const auto& c = node.cluster) {
    json::object o{{"room", c->room},
                   {"text_connected", c->text_connected},
                   {"video_connected", c->video_connected},
                   {"stream_ready", c->stream_ready}};
    for (const auto& f : cluster_counters) o[f.key] = (*c).*f.member;
    root["cluster"] = std::move(o);
  }
  return json::serialize(root);
}

std::string to_prometheus(const node_summary& node, const std::vector<peer_view>& peers) {
  std::string out;
  family(out, "chat_node_info", "gauge", "The node's name and version; always 1");
  out += "chat_node_info{name=\"" + label(node.name) + "\",version=\"" + label(node.version) + "\"} 1\n";
  family(out, "chat_node_uptime_seconds", "gauge", "Seconds since the node started");
  out += "chat_node_uptime_seconds " + number(node.uptime_s) + "\n";
  family(out, "chat_node_frames_captured_total", "counter", "Frames of ours encoded and handed to the peers");
  out += "chat_node_frames_captured_total " + std::to_string(node.frames_captured) + "\n";
  family(out, "chat_node_frames_capture_skipped_total", "counter",
         "Images from our source the encoder never took, a newer one having come first");
  out += "chat_node_frames_capture_skipped_total " + std::to_string(node.frames_capture_skipped) + "\n";
  family(out, "chat_node_source_fps", "gauge", "Frames a second our video source plays at; 0 without one, or unpaced");
  out += "chat_node_source_fps " + number(node.source_fps) + "\n";
  family(out, "chat_node_texts_said_total", "counter", "Chat messages the local user sent");
  out += "chat_node_texts_said_total " + std::to_string(node.texts_said) + "\n";
  family(out, "chat_node_web_clients", "gauge", "Open connections to the web page");
  out += "chat_node_web_clients " + std::to_string(node.web_clients) + "\n";
  family(out, "chat_node_peers", "gauge", "Connected peers");
  out += "chat_node_peers " + std::to_string(peers.size()) + "\n";
  if (const auto& c = node.cluster) {
    const auto room = "{room=\"" + label(c->room) + "\"} ";
    const std::pair<const char*, bool> states[] = {{"text_connected", c->text_connected},
                                                   {"video_connected", c->video_connected},
                                                   {"stream_ready", c->stream_ready}};
    for (const auto& [key, on] : states) {
      const std::string name = std::string("chat_node_cluster_") + key;
      family(out, name, "gauge", "1 while the cluster's text connection, video connection or stream is there");
      out += name + room + (on ? "1" : "0") + "\n";
    }
    for (const auto& f : cluster_counters) {
      const std::string name = std::string("chat_node_cluster_") + f.key + (f.total ? "_total" : "");
      family(out, name, f.total ? "counter" : "gauge", f.help);
      out += name + room + std::to_string((*c).*f.member) + "\n";
    }
  }

  const auto labels = [](const peer_view& p) {
    return "peer=\"" + std::to_string(p.id) + "\",name=\"" + label(p.name) + "\"";
  };
  // Each family's samples sit together, after its HELP and TYPE, as the format requires.
  for (const auto& c : peer_counters) {
    const std::string name = std::string("chat_node_peer_") + c.key + "_total";
    family(out, name, "counter", c.help);
    for (const auto& p : peers)
      out += name + "{" + labels(p) + "} " + std::to_string(((*p.stats).*c.member).load()) + "\n";
  }
  for (const auto& r : peer_rates) {
    const std::string name = std::string("chat_node_peer_") + r.key;
    family(out, name, "gauge", r.help);
    for (const auto& p : peers) out += name + "{" + labels(p) + "} " + number(((*p.stats).*r.member).load()) + "\n";
  }
  for (const auto& l : peer_levels) {
    const std::string name = std::string("chat_node_peer_") + l.key;
    family(out, name, "gauge", l.help);
    for (const auto& p : peers)
      out += name + "{" + labels(p) + "} " + std::to_string(((*p.stats).*l.member).load()) + "\n";
  }
  family(out, "chat_node_peer_rtt_seconds", "gauge", "Latest round trip to the peer");
  for (const auto& p : peers)
    if (const auto rtt = p.stats->rtt_us.load(); rtt >= 0)
      out += "chat_node_peer_rtt_seconds{" + labels(p) + "} " + number(static_cast<double>(rtt) / 1e6) + "\n";
  family(out, "chat_node_peer_video_latency_seconds", "gauge",
         "Capture on the peer to decoded here, over the recent frames, by quantile");
  for (const auto& p : peers)
    for (const auto& [key, q] : quantiles)
      if (const auto us = p.stats->latency_us.percentile(q); us >= 0)
        out += "chat_node_peer_video_latency_seconds{" + labels(p) + ",quantile=\"" + number(q / 100) + "\"} " +
               number(static_cast<double>(us) / 1e6) + "\n";
  return out;
}

}  // namespace chatnode::stats
