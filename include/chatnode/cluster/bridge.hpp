// The room bridged to a NATS cluster (docs/CLUSTER.md): the order of the
// room's text, a subscriber of its events, and one more participant
// (cluster_link) that feeds it.
// - Text: each line said here (by the local user or a local peer) is stored
//   in the room's JetStream stream, in order, under an id made of its
//   author's node id and sequence, so the stream keeps one copy of a resend.
//   A peer's line is acknowledged to it only once stored: until then it
//   keeps the line, and resends it to the next node it reaches. Every node
//   delivers the whole stream, in stream order and numbered by it, to its
//   peers (room::order_by): the same lines in the same order on every node.
// - Video: each origin's frames go to a core subject of their own, at most
//   --cluster-video-fps a second and only while connected; a node subscribes
//   with a pending limit of a few frames, so a stalled node drops frames.
// - Presence: each node says who is on it every 2 s (presence_board.hpp).
// Text and video use two connections: the server's handling of a slow video
// subscriber can never delay or cut text. The client's threads and ours
// (one publisher each for text and video) never run on the io_context.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chatnode/cluster/cluster_link.hpp"
#include "chatnode/cluster/nats_connection.hpp"
#include "chatnode/cluster/presence_board.hpp"
#include "chatnode/cluster/records.hpp"
#include "chatnode/peer/room.hpp"
#include "chatnode/peer/room_events.hpp"
#include "chatnode/peer/text_order.hpp"
#include "chatnode/stats/cluster_figures.hpp"

namespace chatnode::cluster {

struct bridge_config {
  std::vector<std::string> servers;  ///< nats://host:port, as --cluster lists them
  std::string room = "lobby";
  double video_fps = 15;  ///< per origin; 0: no video crosses the cluster
  int replicas = 1;       ///< copies of the room's stream the cluster keeps
  std::uint64_t node_id = 0;
  std::string node_name;
};

class bridge final : public peer::room_subscriber, public peer::text_order {
 public:
  /// Texts waiting for the stream at most; past it a line is not stored, and said so.
  static constexpr std::size_t max_waiting_texts = 10000;

  /// Connects in the background (the servers may not be up yet). `strand` is the cluster link's.
  bridge(net::any_io_executor strand, peer::room& room, bridge_config cfg, log_fn log);
  ~bridge() override;

  /// The participant to run, as a session is run: it joins the room and stays until stopped.
  const std::shared_ptr<cluster_link>& link() const { return link_; }
  /// Once link()'s run() is spawned: from now on the stream's texts (the
  /// history first) are posted after its start, so the room takes every one.
  void start();

  bool submit(std::uint64_t author, const protocol::text_message& m) override;
  /// Who is here changed: the others are told at once, not at the next round.
  void on_joined(const peer::participant& p) override;
  void on_left(const peer::participant& p, const std::string& reason) override;
  /// `watch` hears every change of who is on the other nodes (from the client's
  /// threads or ours); an empty one stops that, once no call is under way.
  void watch_presence(std::function<void(const presence_board::change&)> watch);
  /// Whether our video goes to the cluster (other nodes may watch it at any time).
  bool sends_video() const { return cfg_.video_fps > 0; }
  /// Any thread, an io thread among them: how the bridge stands now, from its
  /// own counters, never from a call into the client.
  stats::cluster_figures figures();

 private:
  void text_loop();
  void video_loop();
  /// Says who is on this node every presence_board::publish_every, and ages out the others.
  void presence_loop();
  void report(const std::vector<presence_board::change>& changes);
  /// Creates the room's stream if need be, and subscribes to it from the history on.
  void join_stream();
  bool publish_text(const text_record& t);
  void offer_video(const video::frame_set_ptr& f);
  void publish_frame(const video::frame_ptr& f);
  static void on_stream_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_video_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_presence_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self);

  const bridge_config cfg_;
  const room_names names_;
  const std::int64_t started_ns_;  ///< when this node began to be in the room, wall clock
  peer::room& room_;
  log_fn log_;
  std::shared_ptr<cluster_link> link_;
  nats_connection text_conn_;
  nats_connection video_conn_;
  jsCtx* js_ = nullptr;
  natsSubscription* stream_sub_ = nullptr;  ///< set by the text thread
  natsSubscription* video_sub_ = nullptr;
  natsSubscription* presence_sub_ = nullptr;
  std::mutex presence_mutex_;
  presence_board presence_;  ///< under presence_mutex_: the client's callback and presence_loop
  std::function<void(const presence_board::change&)> watch_;  ///< under presence_mutex_

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<text_record> texts_;
  bool presence_changed_ = false;                   ///< someone joined or left here since it was last said
  std::map<std::string, video::frame_ptr> frames_;  ///< per origin, the newest not yet sent
  std::map<std::string, std::chrono::steady_clock::time_point> next_frame_at_;
  std::size_t texts_not_stored_ = 0;  ///< refused in a row: the first is said

  std::atomic<bool> stream_ready_{false};
  std::atomic<std::uint64_t> texts_stored_{0}, texts_refused_{0}, texts_delivered_{0};
  std::atomic<std::uint64_t> frames_sent_{0}, frames_oversized_{0}, frames_received_{0};
  std::atomic<std::uint64_t> frames_dropped_{0};  ///< by the video subscription, as last sampled

  std::thread text_thread_;
  std::thread video_thread_;
  std::thread presence_thread_;
};

}  // namespace chatnode::cluster
