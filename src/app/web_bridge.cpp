#include "chatnode/app/web_bridge.hpp"

#include <boost/json.hpp>

#include "chatnode/clock.hpp"

namespace chatnode::app {
namespace {

namespace json = boost::json;

std::int64_t now_ms() { return static_cast<std::int64_t>(wall_us() / 1000); }

}  // namespace

web_bridge::web_bridge(identity id, const peer::room& room, actions a)
    : id_(std::move(id)), room_(room), actions_(std::move(a)) {}

void web_bridge::publish(const json::object& event) {
  if (server_) server_->publish(json::serialize(event));
}

void web_bridge::on_text(const protocol::text_message& m, const peer::participant* from) {
  if (!from) texts_said_.fetch_add(1, std::memory_order_relaxed);
  publish({{"type", "text"}, {"from", m.origin}, {"text", m.body}, {"time", m.sent_us / 1000}});
}

void web_bridge::on_joined(const peer::participant& s) {
  publish({{"type", "join"},
           {"id", s.peer_id()},
           {"name", s.peer_hello().name},
           {"address", s.remote()},
           {"time", now_ms()}});
}

void web_bridge::on_left(const peer::participant& s, const std::string& reason) {
  std::vector<int> gone{s.peer_id()};
  {
    std::lock_guard lock(relayed_mutex_);
    std::erase_if(relayed_, [&](const auto& e) {
      if (e.second.via != s.peer_id()) return false;
      gone.push_back(e.first);
      return true;
    });
  }
  for (int id : gone) publish({{"type", "leave"}, {"id", id}, {"reason", reason}, {"time", now_ms()}});
}

void web_bridge::cluster_presence(const std::string& node, const std::string& name, bool here, const std::string& why) {
  const auto key = std::make_pair(node, name);
  int id = 0;
  {
    std::lock_guard lock(relayed_mutex_);
    const auto it = cluster_people_.find(key);
    if (here == (it != cluster_people_.end())) return;  // already so
    if (here) {
      id = cluster_people_[key] = next_cluster_id_++;
    } else {
      id = it->second;
      cluster_people_.erase(it);
    }
  }
  if (here)
    publish({{"type", "join"}, {"id", id}, {"name", name}, {"address", "at " + node + "'s node"}, {"time", now_ms()}});
  else
    publish({{"type", "leave"}, {"id", id}, {"reason", why}, {"time", now_ms()}});
}

void web_bridge::notice(std::string text) { publish({{"type", "notice"}, {"text", std::move(text)}}); }

void web_bridge::frame_captured(const video::frame_ptr& f) {
  frames_captured_.fetch_add(1, std::memory_order_relaxed);
  if (server_) server_->publish_frame(0, f);
}

void web_bridge::on_video(const peer::arrived_frame& f) {
  if (!server_) return;
  if (f.stream != f.via.peer_id()) {
    bool fresh = false;
    const auto address = "via " + f.via.peer_hello().name;
    {
      std::lock_guard lock(relayed_mutex_);
      fresh = relayed_.try_emplace(f.stream, relayed_stream{f.via.peer_id(), f.name, address}).second;
    }
    if (fresh)
      publish({{"type", "join"}, {"id", f.stream}, {"name", f.name}, {"address", address}, {"time", now_ms()}});
  }
  server_->publish_frame(f.stream, f.frame);
}

void web_bridge::tick(std::chrono::steady_clock::time_point now) {
  const auto frames = frames_captured_.load(std::memory_order_relaxed);
  if (last_tick_ != std::chrono::steady_clock::time_point{}) {
    const double secs = std::chrono::duration<double>(now - last_tick_).count();
    if (secs > 0) fps_captured_ = static_cast<double>(frames - frames_at_tick_) / secs;
  }
  frames_at_tick_ = frames;
  last_tick_ = now;

  json::array peers;
  std::uint64_t ours_dropped = 0;
  for (const auto& p : room_.views()) {
    const auto& s = *p.stats;
    ours_dropped += s.frames_replaced + s.frames_held;
    json::object o{{"id", p.id}, {"fps", s.fps_in.load()}, {"drops", s.frames_skipped + s.frames_undecodable}};
    if (const auto us = s.latency_us.percentile(50); us >= 0) o["latency_ms"] = static_cast<double>(us) / 1000.0;
    // How our video to this peer adapts to its link.
    json::object link{{"kbps", s.link_kbps.load()}, {"queue_ms", s.queue_ms.load()}, {"rung", s.rung.load()}};
    if (s.sent_quality.load() > 0) {
      link["quality"] = s.sent_quality.load();
      link["width"] = s.sent_width.load();
      link["height"] = s.sent_height.load();
    }
    o["link"] = std::move(link);
    peers.push_back(std::move(o));
  }
  peers.push_back(json::object{{"id", 0}, {"fps", fps_captured_.load()}, {"drops", ours_dropped}});
  publish({{"type", "stats"}, {"peers", std::move(peers)}});
}

void web_bridge::cluster_figures(stats::cluster_figures c) {
  std::lock_guard lock(cluster_mutex_);
  cluster_ = std::move(c);
}

stats::node_summary web_bridge::summary() const {
  stats::node_summary s;
  s.name = id_.name;
  s.version = CHATNODE_VERSION;
  s.listening = id_.listening;
  s.uptime_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  s.frames_captured = frames_captured_.load(std::memory_order_relaxed);
  s.frames_capture_skipped = capture_skipped_.load(std::memory_order_relaxed);
  s.fps_captured = fps_captured_.load(std::memory_order_relaxed);
  s.source_fps = source_fps_.load(std::memory_order_relaxed);
  s.texts_said = texts_said_.load(std::memory_order_relaxed);
  s.web_clients = server_ ? server_->connections() : 0;
  std::lock_guard lock(cluster_mutex_);
  s.cluster = cluster_;
  return s;
}

std::string web_bridge::stats_json() { return stats::to_json(summary(), room_.views()); }

std::string web_bridge::metrics() { return stats::to_prometheus(summary(), room_.views()); }

std::string web_bridge::state_json() {
  json::array addresses(id_.addresses.begin(), id_.addresses.end());
  json::array peers;
  for (const auto& s : room_.sessions())
    peers.push_back(json::object{{"id", s->peer_id()}, {"name", s->peer_hello().name}, {"address", s->remote()}});
  {
    std::lock_guard lock(relayed_mutex_);
    for (const auto& [stream, r] : relayed_)
      peers.push_back(json::object{{"id", stream}, {"name", r.name}, {"address", r.address}});
    for (const auto& [who, id] : cluster_people_)
      peers.push_back(json::object{{"id", id}, {"name", who.second}, {"address", "at " + who.first + "'s node"}});
  }
  return json::serialize(json::object{
      {"type", "state"}, {"name", id_.name}, {"addresses", std::move(addresses)}, {"peers", std::move(peers)}});
}

bool web_bridge::has_video_stream(int stream) {
  if (stream == 0) return id_.captures;
  for (const auto& s : room_.sessions())
    if (s->peer_id() == stream) return true;
  std::lock_guard lock(relayed_mutex_);
  return relayed_.contains(stream);
}

void web_bridge::send_text(std::string body) { actions_.say(std::move(body)); }

void web_bridge::connect_to(std::string host_port) { actions_.connect_to(std::move(host_port)); }

}  // namespace chatnode::app
