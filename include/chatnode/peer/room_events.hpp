// What happens in the room, for whoever wants to hear it: the terminal, the
// web page, the node's own dialing. The room publishes; subscribers never call
// back into it while it publishes. Each is called on the strand of the peer
// concerned, or on the caller's thread for local text, so several may run at
// once: a subscriber guards its own state.
#pragma once

#include <cstdint>
#include <string>

#include "chatnode/peer/participant.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::peer {

/// A whole frame that arrived over a link, as the room publishes it.
struct arrived_frame {
  const participant& via;   ///< the link it came over
  int stream;               ///< via's peer id for its own video; a number of its own for an origin it relays
  const std::string& name;  ///< whose camera
  video::frame_ptr frame;   ///< one buffer for every page, relayed peer and the decoder
  std::int64_t first_chunk_ns = 0, complete_ns = 0;  ///< steady clock: its first and last chunk parsed
};

class room_subscriber {
 public:
  virtual ~room_subscriber() = default;
  /// Text said in the room: over the link `from`, or by the local user (`from` null).
  virtual void on_text(const protocol::text_message& /*m*/, const participant* /*from*/) {}
  /// A peer completed the handshake and is in the room.
  virtual void on_joined(const participant& /*p*/) {}
  /// A peer that had joined is gone.
  virtual void on_left(const participant& /*p*/, const std::string& /*reason*/) {}
  /// Something the room has to say about its peers: a refusal, a resume, a
  /// peer forgotten, an old link closing. For the user, not for the page.
  virtual void on_notice(const std::string& /*text*/) {}
  /// Whether on_video is wanted now; while no subscriber wants it (and no
  /// peer is relayed to), the room builds no shared frame.
  virtual bool wants_video() const { return false; }
  /// A whole frame arrived: the link's own video, or one it relays.
  virtual void on_video(const arrived_frame& /*f*/) {}
  /// A stream's link has closed: no frame of it comes any more.
  virtual void on_stream_ended(int /*stream*/) {}
};

}  // namespace chatnode::peer
