// What one page's WebSocket still has to send. Pure state, no I/O: the
// session's write loop asks for the next message and reports completion.
//
// Two lanes, both bounded (as peer/outbox): JSON events are a FIFO bounded in
// bytes, never dropped (overflow means the page stopped reading, and the
// session closes it); video is one slot per peer where a newer frame replaces
// an unsent one. When both have something, they alternate, so a burst of
// events can't freeze the video and a stream of frames can't delay the chat.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/buffer.hpp>

#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::web {

class ws_outbox {
 public:
  /// Bytes of events queued (and in flight) past which the page is too slow.
  static constexpr std::size_t default_event_budget = 1u << 20;

  explicit ws_outbox(std::size_t event_budget = default_event_budget) : event_budget_(event_budget) {}

  /// False when the budget would be exceeded; nothing is queued then.
  [[nodiscard]] bool push_event(std::shared_ptr<const std::string> e);
  /// Latest frame wins per peer: replaces that peer's frame if it has not started going out.
  void offer_frame(int peer, video::frame_ptr f);
  /// Forgets every frame not yet started (shutdown: only the close frame matters).
  void drop_frames();

  bool has_pending() const { return !events_.empty() || !frames_.empty(); }
  bool has_frames() const { return !frames_.empty(); }

  /// One WebSocket message: a text event, or a binary frame (4-byte big-endian
  /// peer number, then the JPEG). The buffers stay valid until written().
  struct message {
    bool binary = false;
    std::array<boost::asio::const_buffer, 2> buffers;
  };
  /// Requires has_pending() and no message in flight.
  message next();
  /// The message from next() is on the wire.
  void written();

  std::size_t event_bytes() const { return event_bytes_; }
  std::uint64_t frames_sent() const { return frames_sent_; }
  std::uint64_t frames_replaced() const { return frames_replaced_; }

 private:
  video::frame_ptr take_frame();

  std::size_t event_budget_;
  std::deque<std::shared_ptr<const std::string>> events_;
  std::size_t event_bytes_ = 0;  ///< queued plus in flight
  std::map<int, video::frame_ptr> frames_;
  int last_peer_ = -1;  ///< frames go round-robin by peer number
  bool last_was_event_ = false;

  // What the message from next() refers to, kept alive until written().
  std::shared_ptr<const std::string> inflight_event_;
  video::frame_ptr inflight_frame_;
  std::array<unsigned char, 4> prefix_{};
  std::uint64_t frames_sent_ = 0;
  std::uint64_t frames_replaced_ = 0;
};

}  // namespace chatnode::web
