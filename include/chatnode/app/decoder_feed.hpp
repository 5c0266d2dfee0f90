// The room's received video on its way to the decode thread, and from there
// to the display, the recorder and the frame saver. Wants every frame: the
// decode thread keeps the newest of each stream.
#pragma once

#include "chatnode/peer/room_events.hpp"
#include "chatnode/video/decode_thread.hpp"

namespace chatnode::app {

class decoder_feed final : public peer::room_subscriber {
 public:
  explicit decoder_feed(video::decode_thread& decoder) : decoder_(decoder) {}

  bool wants_video() const override { return true; }
  void on_video(const peer::arrived_frame& f) override;
  void on_stream_ended(int stream) override;

 private:
  video::decode_thread& decoder_;  ///< thread-safe
};

}  // namespace chatnode::app
