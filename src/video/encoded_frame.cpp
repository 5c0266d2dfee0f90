#include "chatnode/video/encoded_frame.hpp"

#include <algorithm>
#include <stdexcept>

namespace chatnode::video {

encoded_frame::encoded_frame(std::uint32_t seq, std::uint64_t capture_us, int width, int height,
                             std::string origin, std::vector<std::uint8_t> jpeg, stage_times times)
    : seq_(seq), capture_us_(capture_us), width_(width), height_(height), origin_(std::move(origin)),
      jpeg_(std::move(jpeg)), times_(times) {
  if (jpeg_.empty() || jpeg_.size() > protocol::max_video_frame_bytes)
    throw std::length_error("encoded frame size out of protocol limits");
  protocol::video_chunk_header h;
  h.frame_seq = seq_;
  h.total_bytes = static_cast<std::uint32_t>(jpeg_.size());
  h.capture_us = capture_us_;
  h.width = static_cast<std::uint16_t>(width_);
  h.height = static_cast<std::uint16_t>(height_);
  h.origin = origin_;
  for (std::size_t off = 0; off < jpeg_.size(); off += protocol::video_chunk_bytes) {
    h.offset = static_cast<std::uint32_t>(off);
    prefixes_.push_back(protocol::encode_prefix(h, std::min(protocol::video_chunk_bytes, jpeg_.size() - off)));
  }
}

std::span<const std::uint8_t> encoded_frame::chunk_data(std::size_t i) const {
  const auto off = i * protocol::video_chunk_bytes;
  return std::span<const std::uint8_t>(jpeg_).subspan(off, std::min(protocol::video_chunk_bytes, jpeg_.size() - off));
}

}  // namespace chatnode::video
