// One captured and JPEG-encoded frame, immutable once built and shared by
// every receiver (sessions, web clients) without copies.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "chatnode/protocol/messages.hpp"

namespace chatnode::video {

/// Steady-clock stamps (ns) of each stage, so the benchmark can attribute time.
struct stage_times {
  std::int64_t grab_begin = 0, grab_end = 0;
  std::int64_t resize_end = 0;
  std::int64_t encode_end = 0;  ///< also when the frame was handed off
};

class encoded_frame {
 public:
  /// Takes the JPEG and pre-serialises the protocol prefix of every chunk,
  /// off the network threads.
  encoded_frame(std::uint32_t seq, std::uint64_t capture_us, int width, int height, std::string origin,
                std::vector<std::uint8_t> jpeg, stage_times times);

  std::uint32_t seq() const { return seq_; }
  std::uint64_t capture_us() const { return capture_us_; }
  int width() const { return width_; }
  int height() const { return height_; }
  const std::string& origin() const { return origin_; }
  const std::vector<std::uint8_t>& jpeg() const { return jpeg_; }
  const stage_times& times() const { return times_; }

  std::size_t chunk_count() const { return prefixes_.size(); }
  const protocol::bytes& chunk_prefix(std::size_t i) const { return prefixes_[i]; }
  std::span<const std::uint8_t> chunk_data(std::size_t i) const;

 private:
  std::uint32_t seq_;
  std::uint64_t capture_us_;
  int width_, height_;
  std::string origin_;
  std::vector<std::uint8_t> jpeg_;
  stage_times times_;
  std::vector<protocol::bytes> prefixes_;
};

using frame_ptr = std::shared_ptr<const encoded_frame>;

}  // namespace chatnode::video
