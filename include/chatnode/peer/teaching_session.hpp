// One connection to a peer of a teaching program's protocol (docs/PROTOCOL.md,
// section 5): the lecture video chat (length-headed JPEGs both ways, no text)
// or the text chat, nc or telnet (plain UTF-8 lines both ways, no video).
// There is no handshake: the peer joins the room as soon as run() starts. Like
// session, its life is run(): read_loop() || write_loop() || stop_watch() on
// the connection's strand; other threads reach it only through posts.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>

#include "chatnode/net.hpp"
#include "chatnode/peer/ending.hpp"
#include "chatnode/peer/participant.hpp"
#include "chatnode/peer/session_events.hpp"
#include "chatnode/peer/teaching_outbox.hpp"
#include "chatnode/peer/text_inbox.hpp"
#include "chatnode/protocol/lecture_video.hpp"
#include "chatnode/protocol/line_splitter.hpp"
#include "chatnode/protocol/sniff.hpp"
#include "chatnode/video/rendition_demand.hpp"

namespace chatnode::peer {

struct teaching_config {
  std::chrono::milliseconds flush_timeout{3000};   ///< how long a graceful stop waits for our text to go out
  std::chrono::milliseconds linger_timeout{2000};  ///< after our last byte, how long to wait for the peer's close
  std::size_t text_budget = 8u << 20;              ///< lines queued for a slow reader, past which it is dropped
  /// A write not done by then ends the link: the peer has stopped reading (as
  /// session_config::write_timeout; a lecture frame is at most 16 MiB, but the
  /// teaching program's are tens of KiB).
  std::chrono::milliseconds write_timeout{20000};
  /// Where a lecture_video peer says it wants our video, at `full`; null: we capture none.
  video::rendition_demand* demand = nullptr;
  video::rendition full{};
};

class teaching_session final : public participant, public std::enable_shared_from_this<teaching_session> {
 public:
  /// `kind` is lecture_video or raw_text; `already_read` holds the bytes a
  /// listener read to recognise it, which are the start of the peer's stream.
  teaching_session(tcp::socket socket, protocol::wire_protocol kind, int peer_id, teaching_config cfg,
                   session_events& events, std::span<const std::uint8_t> already_read = {});

  awaitable<void> run() override;
  void send_text(outgoing_text t) override;
  void send_video(video::frame_set_ptr f) override;
  void stop(protocol::bye_reason reason, std::string text, bool flush) override;
  /// The peer closed cleanly, or we closed after sending everything.
  bool ended_in_order() const override { return ended_in_order_; }
  void abandon(std::string reason) override;
  /// These protocols have no acknowledgements, so there is nothing to resume.
  std::string resume_key() const override { return {}; }

 private:
  using clock = std::chrono::steady_clock;

  awaitable<void> read_loop();
  awaitable<void> write_loop();
  awaitable<void> stop_watch();

  /// Hands what the buffer holds to the room; false when the stream is invalid.
  bool take_lecture_frames();
  bool take_text(std::string_view bytes, bool message_ends);
  void fail(const error_code& ec);
  void do_stop(bool flush);
  /// Moves what the room handed us (send_text) into the outbox.
  void take_texts();

  tcp::socket socket_;
  const protocol::wire_protocol kind_;
  teaching_config cfg_;
  session_events& events_;

  boost::beast::flat_buffer read_buffer_;
  protocol::lecture_parser lecture_;
  protocol::line_splitter lines_;
  error_code text_error_;  ///< set by the line splitter's callbacks
  std::uint32_t frames_in_ = 0;

  teaching_outbox outbox_;
  text_inbox inbox_;
  net::steady_timer wake_;                 ///< condition variable of the write loop: cancelled on new work
  video::rendition_demand::ticket wants_;  ///< a lecture_video peer's want of our video
  /// The deadline of the write in flight, then of the stop; time_point::max() when there is none.
  net::steady_timer stop_timer_;

  ending end_;
  bool ended_in_order_ = false;
};

}  // namespace chatnode::peer
