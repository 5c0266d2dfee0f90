// One captured and JPEG-encoded frame, immutable once built and shared by
// every receiver (sessions, web clients) without copies.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/quality_ladder.hpp"

namespace chatnode::video {

/// Steady-clock stamps (ns) of each stage, so the benchmark can attribute time.
struct stage_times {
  std::int64_t grab_begin = 0, grab_end = 0;
  std::int64_t resize_end = 0;
  std::int64_t encode_end = 0;  ///< also when the frame was handed off
};

/// A slice of a frame's JPEG, as one video_chunk carries it.
struct chunk {
  std::size_t offset = 0, size = 0;
};

class encoded_frame {
 public:
  /// `r`: how our capture thread encoded it (quality, scale).
  encoded_frame(std::uint32_t seq, std::uint64_t capture_us, int width, int height, std::string origin,
                std::vector<std::uint8_t> jpeg, stage_times times, rendition r = not_ours);

  std::uint32_t seq() const { return seq_; }
  std::uint64_t capture_us() const { return capture_us_; }
  int width() const { return width_; }
  int height() const { return height_; }
  const std::string& origin() const { return origin_; }
  const std::vector<std::uint8_t>& jpeg() const { return jpeg_; }
  const stage_times& times() const { return times_; }
  const rendition& encoding() const { return rendition_; }

  /// Each link cuts frames in chunks of its own size (smaller on slower links,
  /// so that text waits behind less): the i-th of at most `chunk_bytes`.
  chunk chunk_at(std::size_t i, std::size_t chunk_bytes = protocol::video_chunk_bytes) const;
  std::size_t chunk_count(std::size_t chunk_bytes = protocol::video_chunk_bytes) const;
  /// The frame header and fixed fields that go before the chunk's data.
  protocol::bytes chunk_prefix(const chunk& c) const;
  std::span<const std::uint8_t> chunk_data(const chunk& c) const;

 private:
  std::uint32_t seq_;
  std::uint64_t capture_us_;
  int width_, height_;
  std::string origin_;
  std::vector<std::uint8_t> jpeg_;
  stage_times times_;
  rendition rendition_;
};

using frame_ptr = std::shared_ptr<const encoded_frame>;

/// One captured image in each rendition some receiver needs now, biggest
/// first, encoded once for every link that takes it; or one frame relayed as
/// it came, which no link re-encodes.
class frame_set {
 public:
  /// `frames` not empty.
  explicit frame_set(std::vector<frame_ptr> frames);
  /// The rendition asked for if it is here; else the biggest one smaller than it; else the smallest.
  const frame_ptr& pick(const rendition& r) const;
  const frame_ptr& biggest() const { return frames_.front(); }
  const std::vector<frame_ptr>& frames() const { return frames_; }
  /// Encoded here, in renditions of ours (not relayed).
  bool own() const { return frames_.front()->encoding() != not_ours; }

 private:
  std::vector<frame_ptr> frames_;
};

using frame_set_ptr = std::shared_ptr<const frame_set>;

}  // namespace chatnode::video
