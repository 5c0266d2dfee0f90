// Whoever the room talks to over one connection: a chat_node peer (session) or
// a teaching program's peer (teaching_session). The room, the node and the web
// layer know peers only through this; each kind keeps its own state on its strand.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "chatnode/net.hpp"
#include "chatnode/peer/outgoing_text.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/stats/peer_stats.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::peer {

/// The resume key of a chat_node peer that its node id names (an accepted link's).
std::string node_resume_key(std::uint64_t node_id);

class participant {
 public:
  participant(net::any_io_executor executor, std::string remote, int peer_id)
      : executor_(std::move(executor)), remote_(std::move(remote)), peer_id_(peer_id) {}
  virtual ~participant() = default;
  participant(const participant&) = delete;
  participant& operator=(const participant&) = delete;

  /// Runs the connection to its end; the returned awaitable completes when it is closed.
  virtual awaitable<void> run() = 0;
  /// Thread-safe: queue text for this peer (closes it as a slow consumer if over budget).
  virtual void send_text(outgoing_text t) = 0;
  /// Thread-safe: offer a video frame, in the renditions at hand (latest wins).
  virtual void send_video(video::frame_set_ptr f) = 0;
  /// Thread-safe: say bye and close; with `flush`, first wait (bounded) until our text has gone out.
  virtual void stop(protocol::bye_reason reason, std::string text, bool flush) = 0;
  /// After run(): the link ended in order (a bye, or a teaching-program peer's clean close), not lost.
  virtual bool ended_in_order() const = 0;
  /// After run(): a bye ended the link for cause (refused, protocol error, too
  /// slow), not because someone left. A teaching program's peer never says why.
  virtual bool ended_for_cause() const { return false; }
  /// Thread-safe: close at once, without goodbye (a newer link to the same peer replaces this one).
  virtual void abandon(std::string reason) = 0;
  /// Once joined: names the peer across connections, so a lost link's text
  /// can be resent on the next one. Empty when the protocol cannot resume.
  virtual std::string resume_key() const = 0;
  /// Thread-safe: the texts this peer sent, up to `seq`, are stored where they
  /// must be (session_events::holds_acks): it may be told so. Nothing for a
  /// protocol without acknowledgements.
  virtual void acknowledge(std::uint64_t /*seq*/) {}

  /// Who the peer is; valid once joined (set before on_joined, constant afterwards).
  const protocol::hello& peer_hello() const { return peer_; }
  /// The remote endpoint as text, fixed at construction.
  const std::string& remote() const { return remote_; }
  int peer_id() const { return peer_id_; }
  /// Shared, so the decode thread and the web layer may keep it past the connection.
  const std::shared_ptr<stats::peer_stats>& stats() const { return stats_; }
  /// The strand this peer's state lives on.
  const net::any_io_executor& executor() const { return executor_; }

 protected:
  /// Called by send_video before posting a frame: false (and the frame counted
  /// as replaced) while two are already waiting for the strand, so a stalled
  /// strand cannot pile frames up. The posted handler calls video_post_taken().
  bool reserve_video_post() {
    if (video_posts_.fetch_add(1, std::memory_order_relaxed) < 2) return true;
    video_posts_.fetch_sub(1, std::memory_order_relaxed);
    stats_->frames_replaced.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  void video_post_taken() { video_posts_.fetch_sub(1, std::memory_order_relaxed); }

  net::any_io_executor executor_;
  std::string remote_;
  int peer_id_;
  protocol::hello peer_;
  std::shared_ptr<stats::peer_stats> stats_ = std::make_shared<stats::peer_stats>();

 private:
  std::atomic<int> video_posts_{0};
};

}  // namespace chatnode::peer
