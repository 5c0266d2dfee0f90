// What one session still has to send, in the order it goes out. Pure state, no
// I/O: the session's write loop asks for the next batch and reports completion.
//
// Every lane is bounded, and none grows with what the peer sends: control frames
// are our own (the greeting); our ping, the answer to the peer's ping and our
// acknowledgement are one slot each, newest wins; text is a
// FIFO bounded in bytes and never dropped (overflowing it means the peer is a
// slow consumer); video is one slot where a newer frame replaces an unsent
// older one. A batch carries control frames, the ping, the pong, the ack, then queued
// text up to max_text_bytes_per_write, then at most one video chunk, so text
// never waits behind more than one chunk; the session sizes chunks to its link.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "chatnode/peer/outgoing_text.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::peer {

class outbox {
 public:
  /// Text queued plus sent-but-unacknowledged, past which the peer is a slow consumer.
  static constexpr std::size_t default_text_budget = 8u << 20;
  /// Caps the gather list of one write (well under IOV_MAX).
  static constexpr std::size_t max_buffers_per_write = 256;
  /// Text bytes one write carries at most (the longest text the protocol allows is far below it), so
  /// that a write takes a bounded time and its deadline can be short.
  static constexpr std::size_t max_text_bytes_per_write = std::size_t{256} * 1024;

  explicit outbox(std::size_t text_budget = default_text_budget) : text_budget_(text_budget) {}

  /// Our own control frames (the greeting): sent before anything else, in order.
  void push_control(protocol::bytes frame);
  /// Our ping of `t1_us`; replaces one not yet written (while a write is held
  /// up, pings every probe interval would otherwise pile up).
  void set_ping(std::uint64_t t1_us);
  /// The answer to the peer's ping `t1_us`, received at `t2_us`; only the newest
  /// is sent, stamped as it goes out (a peer pinging faster than we write
  /// cannot make the queue grow).
  void set_pong(std::uint64_t t1_us, std::uint64_t t2_us);
  /// Acknowledgement of the peer's text; only the newest value is sent.
  void set_ack(std::uint64_t seq);
  /// False when the text budget would be exceeded; nothing is queued then.
  [[nodiscard]] bool push_text(outgoing_text t);
  /// Latest frame wins: replaces a frame that has not started going out.
  void offer_video(video::frame_ptr f);
  /// Forgets video not yet started (the frame being sent still completes).
  void drop_pending_video();
  /// A frame waits and none is going out: the next prepare() starts it.
  bool video_waiting() const { return pending_video_ && !current_video_; }
  const video::frame_ptr& waiting_video() const { return pending_video_; }
  /// The link cannot take the waiting frame now: it is dropped, and counted as held back.
  void hold_back_waiting_video();
  /// JPEG bytes per chunk from the next chunk on (receivers take any size).
  void set_chunk_bytes(std::size_t n) { chunk_bytes_ = n; }

  /// Something can be written now.
  bool has_pending() const;
  /// Fills `out` with the next write. Buffers stay valid until written().
  void prepare(std::vector<boost::asio::const_buffer>& out);
  /// The batch from prepare() is on the wire.
  void written();

  /// The peer has received every text up to `seq`.
  void acked(std::uint64_t seq);
  /// The link is gone: every text not acknowledged (sent or not), oldest first,
  /// to be resent on the peer's next connection.
  std::vector<outgoing_text> take_undelivered();
  /// No text is queued or waiting for an acknowledgement.
  bool all_acked() const { return text_queue_.empty() && unacked_.empty(); }
  /// A video frame is partly sent; ending now would cut it.
  bool video_in_progress() const { return current_video_ && (next_offset_ > 0 || inflight_chunk_); }

  std::size_t text_bytes() const { return text_bytes_; }
  std::uint64_t video_frames_sent() const { return video_sent_; }
  std::uint64_t video_frames_replaced() const { return video_replaced_; }
  std::uint64_t video_frames_held_back() const { return video_held_back_; }

 private:
  std::size_t text_budget_;
  std::deque<protocol::bytes> control_;
  bool ack_pending_ = false;
  std::uint64_t ack_seq_ = 0;
  bool ping_pending_ = false;
  std::uint64_t ping_t1_ = 0;
  bool pong_pending_ = false;
  std::uint64_t pong_t1_ = 0, pong_t2_ = 0;
  std::deque<outgoing_text> text_queue_;
  std::deque<outgoing_text> unacked_;
  std::size_t text_bytes_ = 0;
  video::frame_ptr pending_video_;
  video::frame_ptr current_video_;
  std::size_t next_offset_ = 0;  ///< of current_video_'s next chunk
  std::size_t chunk_bytes_ = protocol::video_chunk_bytes;
  std::uint64_t video_sent_ = 0;
  std::uint64_t video_replaced_ = 0;
  std::uint64_t video_held_back_ = 0;

  // What the batch from prepare() refers to, kept alive until written().
  std::vector<protocol::bytes> inflight_control_;
  protocol::bytes inflight_ack_;
  protocol::bytes inflight_ping_;
  protocol::bytes inflight_pong_;
  std::vector<std::shared_ptr<const protocol::bytes>> inflight_text_;
  protocol::bytes inflight_prefix_;
  std::size_t inflight_chunk_bytes_ = 0;
  bool inflight_chunk_ = false;
};

}  // namespace chatnode::peer
