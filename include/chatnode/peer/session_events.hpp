// What a session reports to whoever owns the conversation (the room).
// Every call is made on the session's strand.
#pragma once

#include <memory>
#include <string>

#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/frame_assembler.hpp"

namespace chatnode::peer {

class session;

class session_events {
 public:
  virtual ~session_events() = default;
  /// The peer's hello was accepted; from now on text and video may flow.
  virtual void on_joined(const std::shared_ptr<session>& s) = 0;
  virtual void on_text(session& s, protocol::text_message m) = 0;
  virtual void on_video(session& s, video::received_frame f) = 0;
  /// The connection is gone; `joined` tells whether on_joined was called.
  virtual void on_closed(session& s, bool joined, const std::string& reason) = 0;
};

}  // namespace chatnode::peer
