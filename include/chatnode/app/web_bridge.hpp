// The node as its web page sees it: answers the page from the room and the
// node's counters, and carries what happens in the room to every open page
// (docs/WEB.md lists the events).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "chatnode/peer/room.hpp"
#include "chatnode/stats/exposition.hpp"
#include "chatnode/web/backend.hpp"
#include "chatnode/web/web_server.hpp"

namespace chatnode::app {

class web_bridge final : public web::backend, public peer::room_subscriber {
 public:
  struct identity {
    std::string name;
    std::string listening;               ///< "host:port" of the chat listener, empty in --connect mode
    std::vector<std::string> addresses;  ///< shown on the page: where the node can be reached
    bool captures = false;               ///< a video source runs: /video/0.mjpg is ours
  };
  /// What the page may ask of the node. Called from web sessions (any thread): post, don't work.
  struct actions {
    std::function<void(std::string)> say;         ///< a message written on the page
    std::function<void(std::string)> connect_to;  ///< "host:port", already checked
  };

  web_bridge(identity id, const peer::room& room, actions a);

  /// The server to publish to; once, before it starts. Without it nothing is published.
  void attach(web::web_server& server) { server_ = &server; }

  // What happens in the room, from any thread (peer/room_events.hpp):
  void on_text(const protocol::text_message& m, const peer::participant* from) override;
  void on_joined(const peer::participant& s) override;
  void on_left(const peer::participant& s, const std::string& reason) override;
  /// Whether a page or viewer is connected (the room then builds shared frames for us).
  bool wants_video() const override { return server_ && server_->connections() > 0; }
  /// A frame received; a relayed origin's first frame announces it as a peer of its own.
  void on_video(const peer::arrived_frame& f) override;

  // What happens in the node, from any thread:
  void frame_captured(const video::frame_ptr& f);
  /// Our video source started, playing at `fps` (0: unpaced): for /stats.json and /metrics.
  void source_started(double fps) { source_fps_.store(fps, std::memory_order_relaxed); }
  /// The capture thread's count of images its encoder never took, for /stats.json and /metrics.
  void capture_skipped(std::uint64_t n) { capture_skipped_.store(n, std::memory_order_relaxed); }
  /// How the node's cluster stands, for /stats.json and /metrics.
  void cluster_figures(stats::cluster_figures c);
  /// Whether a page or a viewer shows our own video: capture runs for it.
  bool shows_ours() const { return server_ && server_->shows(0); }
  /// Someone on another node of the cluster is in the room (`here`) or no longer (`why`).
  void cluster_presence(const std::string& node, const std::string& name, bool here, const std::string& why);
  /// A line worth showing in the page's log (connect results, why a message was not sent).
  void notice(std::string text);
  /// Once a second, from the node's statistics timer (one strand): the pages' stats event.
  void tick(std::chrono::steady_clock::time_point now);

  std::string stats_json() override;
  std::string metrics() override;
  std::string state_json() override;
  bool has_video_stream(int stream) override;
  void send_text(std::string body) override;
  void connect_to(std::string host_port) override;

 private:
  void publish(const boost::json::object& event);
  stats::node_summary summary() const;

  const identity id_;
  const peer::room& room_;
  const actions actions_;
  web::web_server* server_ = nullptr;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  std::atomic<std::uint64_t> frames_captured_{0};
  std::atomic<std::uint64_t> texts_said_{0};
  std::atomic<double> fps_captured_{0};
  std::atomic<double> source_fps_{0};
  std::atomic<std::uint64_t> capture_skipped_{0};
  mutable std::mutex cluster_mutex_;
  std::optional<stats::cluster_figures> cluster_;  ///< under cluster_mutex_
  struct relayed_stream {
    int via;  ///< peer id of the link it comes over
    std::string name, address;
  };
  mutable std::mutex relayed_mutex_;
  std::map<int, relayed_stream> relayed_;  ///< stream -> where it comes from; guarded by relayed_mutex_
  /// People on the cluster's other nodes, (node, name) -> the page's id for them; guarded by relayed_mutex_.
  std::map<std::pair<std::string, std::string>, int> cluster_people_;
  int next_cluster_id_ = 1 << 24;  ///< above peers' and relayed streams' ids
  // tick() only:
  std::uint64_t frames_at_tick_ = 0;
  std::chrono::steady_clock::time_point last_tick_{};
};

}  // namespace chatnode::app
