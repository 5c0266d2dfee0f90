// What happens in the room, for whoever wants to hear it: the terminal, the
// web page, the node's own dialing. The room publishes; subscribers never call
// back into it while it publishes. Each is called on the strand of the peer
// concerned, or on the caller's thread for local text, so several may run at
// once: a subscriber guards its own state.
#pragma once

#include <string>

#include "chatnode/peer/participant.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::peer {

class room_subscriber {
 public:
  virtual ~room_subscriber() = default;
  /// Text said in the room: by a peer (`from_peer`) or by the local user.
  virtual void on_text(const protocol::text_message& /*m*/, bool /*from_peer*/) {}
  /// A peer completed the handshake and is in the room.
  virtual void on_joined(const participant& /*p*/) {}
  /// A peer that had joined is gone.
  virtual void on_left(const participant& /*p*/, const std::string& /*reason*/) {}
  /// Something the room has to say about its peers: a refusal, a resume, a
  /// peer forgotten, an old link closing. For the user, not for the page.
  virtual void on_notice(const std::string& /*text*/) {}
  /// Whether on_video is wanted now; while no subscriber wants it, the room
  /// builds no shared frame for them.
  virtual bool wants_video() const { return false; }
  /// A whole frame arrived over `via`: its own (`stream` is its peer id) or one
  /// it relays from `name` (`stream` numbers that origin on this link). The
  /// same buffer goes to every peer the room relays it to.
  virtual void on_video(const participant& /*via*/, int /*stream*/, const std::string& /*name*/,
                        const video::frame_ptr& /*f*/) {}
};

}  // namespace chatnode::peer
