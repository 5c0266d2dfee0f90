// What a teaching-program peer (a teaching program, nc) still has to be sent. Pure state,
// no I/O, the same two bounded lanes as outbox: lines of text in a FIFO bounded
// in bytes and never dropped, and one video slot where a newer frame replaces an
// unsent one. A batch is every queued line, then at most one whole frame behind
// its 16-byte lecture-video header. There are no acknowledgements: a line counts
// against the budget until it is written.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "chatnode/protocol/lecture_video.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::peer {

class teaching_outbox {
 public:
  /// Caps the gather list of one write (well under IOV_MAX).
  static constexpr std::size_t max_buffers_per_write = 256;

  explicit teaching_outbox(std::size_t text_budget) : text_budget_(text_budget) {}

  /// False when the text budget would be exceeded; nothing is queued then.
  [[nodiscard]] bool push_line(std::shared_ptr<const std::string> line);
  /// Latest frame wins: replaces a frame that has not started going out.
  void offer_video(video::frame_ptr f);
  /// Forgets video not yet started.
  void drop_pending_video();

  bool has_pending() const { return !lines_.empty() || pending_video_; }
  /// Fills `out` with the next write. Buffers stay valid until written().
  void prepare(std::vector<boost::asio::const_buffer>& out);
  /// The batch from prepare() is on the wire.
  void written();

  std::uint64_t video_frames_sent() const { return video_sent_; }
  std::uint64_t video_frames_replaced() const { return video_replaced_; }

 private:
  std::size_t text_budget_;
  std::size_t text_bytes_ = 0;
  std::deque<std::shared_ptr<const std::string>> lines_;
  video::frame_ptr pending_video_;
  std::uint64_t video_sent_ = 0;
  std::uint64_t video_replaced_ = 0;

  // What the batch from prepare() refers to, kept alive until written().
  std::vector<std::shared_ptr<const std::string>> inflight_lines_;
  video::frame_ptr inflight_video_;
  std::array<std::uint8_t, protocol::lecture_header_bytes> inflight_header_{};
};

}  // namespace chatnode::peer
