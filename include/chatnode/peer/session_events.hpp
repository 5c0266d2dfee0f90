// What a peer connection (participant) reports to whoever owns the conversation (the room).
// Every call is made on the participant's strand.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chatnode/peer/outgoing_text.hpp"
#include "chatnode/protocol/frame_assembler.hpp"
#include "chatnode/protocol/messages.hpp"

namespace chatnode::peer {

class participant;

class session_events {
 public:
  virtual ~session_events() = default;
  /// The peer's hello was accepted (a teaching-program peer: it connected); from now on text and video may flow.
  virtual void on_joined(const std::shared_ptr<participant>& p) = 0;
  /// False when the text was already delivered over an earlier link from the same peer.
  virtual bool on_text(participant& p, protocol::text_message m) = 0;
  virtual void on_video(participant& p, protocol::received_frame f) = 0;
  /// The connection is ending: text said from now on is kept for the peer
  /// instead of being sent to this participant (see on_closed's `undelivered`).
  virtual void on_leaving(participant& p) = 0;
  /// The connection is gone; `joined` tells whether on_joined was called.
  /// `undelivered` is the text the peer never acknowledged, oldest first.
  virtual void on_closed(participant& p, bool joined, const std::string& reason,
                         std::vector<outgoing_text> undelivered) = 0;
  /// Whether the acknowledgement of `p`'s new texts waits until they are
  /// stored (a cluster's stream), which participant::acknowledge() then says.
  virtual bool holds_acks(const participant& /*p*/) const { return false; }
  /// At `p`'s hello: the highest of the texts numbered by its node id that
  /// reached us over earlier links (0: none), which it need not send again.
  virtual std::uint64_t known_up_to(const participant& /*p*/) const { return 0; }
  /// Once, at `p`'s first frame after its hello: how far it has our texts from
  /// an earlier link to a node with our node id (0: not at all, or it does not say).
  virtual void on_position(participant& /*p*/, std::uint64_t /*seq*/) {}
};

}  // namespace chatnode::peer
