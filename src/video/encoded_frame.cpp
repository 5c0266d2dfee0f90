#include "chatnode/video/encoded_frame.hpp"

#include <algorithm>
#include <stdexcept>

namespace chatnode::video {

encoded_frame::encoded_frame(std::uint32_t seq, std::uint64_t capture_us, int width, int height, std::string origin,
                             std::vector<std::uint8_t> jpeg, stage_times times, rendition r)
    : seq_(seq),
      capture_us_(capture_us),
      width_(width),
      height_(height),
      origin_(std::move(origin)),
      jpeg_(std::move(jpeg)),
      times_(times),
      rendition_(r) {
  if (jpeg_.empty() || jpeg_.size() > protocol::max_video_frame_bytes)
    throw std::length_error("encoded frame size out of protocol limits");
}

chunk encoded_frame::chunk_at(std::size_t i, std::size_t chunk_bytes) const {
  const auto offset = std::min(i * chunk_bytes, jpeg_.size());
  return {offset, std::min(chunk_bytes, jpeg_.size() - offset)};
}

std::size_t encoded_frame::chunk_count(std::size_t chunk_bytes) const {
  return (jpeg_.size() + chunk_bytes - 1) / chunk_bytes;
}

protocol::bytes encoded_frame::chunk_prefix(const chunk& c) const {
  protocol::video_chunk_header h;
  h.frame_seq = seq_;
  h.total_bytes = static_cast<std::uint32_t>(jpeg_.size());
  h.offset = static_cast<std::uint32_t>(c.offset);
  h.capture_us = capture_us_;
  h.width = static_cast<std::uint16_t>(width_);
  h.height = static_cast<std::uint16_t>(height_);
  h.origin = origin_;
  return protocol::encode_prefix(h, c.size);
}

std::span<const std::uint8_t> encoded_frame::chunk_data(const chunk& c) const {
  return std::span<const std::uint8_t>(jpeg_).subspan(c.offset, c.size);
}

frame_set::frame_set(std::vector<frame_ptr> frames) : frames_(std::move(frames)) {
  if (frames_.empty()) throw std::invalid_argument("frame_set: no frame");
}

const frame_ptr& frame_set::pick(const rendition& r) const {
  if (!own()) return frames_.front();
  const double wanted = relative_size(r);
  for (const auto& f : frames_) {
    if (f->encoding() == r) return f;
  }
  for (const auto& f : frames_)
    if (relative_size(f->encoding()) <= wanted) return f;
  return frames_.back();
}

}  // namespace chatnode::video
