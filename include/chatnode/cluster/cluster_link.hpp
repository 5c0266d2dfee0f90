// The cluster as the room sees it: one more participant, through which the
// room's texts (in the stream's order) and the frames of every other node
// arrive. What the room sends to it goes out through the bridge
// (cluster/bridge.hpp): frames as they are offered, texts as they are said.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "chatnode/net.hpp"
#include "chatnode/peer/participant.hpp"
#include "chatnode/peer/room.hpp"
#include "chatnode/protocol/frame_assembler.hpp"

namespace chatnode::cluster {

class cluster_link final : public peer::participant, public std::enable_shared_from_this<cluster_link> {
 public:
  /// `strand`: where its calls into the room are made. `video_out` takes every
  /// frame the room offers it (from any thread).
  cluster_link(net::any_io_executor strand, const std::string& room_name, peer::room& room,
               std::function<void(const video::frame_set_ptr&)> video_out);

  /// In the room until stop().
  awaitable<void> run() override;
  /// Texts reach the cluster as they are said (room::order_by), not from here.
  void send_text(peer::outgoing_text) override {}
  void send_video(video::frame_set_ptr f) override { video_out_(f); }
  void stop(protocol::bye_reason, std::string, bool) override;
  bool ended_in_order() const override { return true; }
  void abandon(std::string reason) override;
  /// Each node of the cluster numbers its own texts: the link has nothing to resume.
  std::string resume_key() const override { return {}; }

  /// Any thread: the stream's next text, into the room in the order given.
  void deliver_text(peer::ordered_text t);
  /// Any thread: a frame from another node.
  void deliver_video(protocol::received_frame f);

 private:
  peer::room& room_;
  std::function<void(const video::frame_set_ptr&)> video_out_;
  net::steady_timer until_stopped_;
  bool joined_ = false;  ///< on the strand: the room may be called
  std::string end_reason_ = "the node is stopping";
};

}  // namespace chatnode::cluster
