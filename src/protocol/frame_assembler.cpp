#include "chatnode/protocol/frame_assembler.hpp"

#include "chatnode/clock.hpp"
#include "chatnode/protocol/errors.hpp"

namespace chatnode::protocol {

boost::system::result<std::optional<received_frame>> frame_assembler::add(const protocol::video_chunk& chunk) {
  const auto& h = chunk.header;
  if (!in_progress_) {
    if (h.offset != 0) return protocol::errc::bad_video_chunk;
    current_.header = h;
    current_.jpeg.clear();
    current_.jpeg.reserve(h.total_bytes);
    current_.first_chunk_ns = steady_ns();
    in_progress_ = true;
  } else if (h.frame_seq != current_.header.frame_seq || h.total_bytes != current_.header.total_bytes ||
             h.offset != current_.jpeg.size() || h.origin != current_.header.origin) {
    return protocol::errc::bad_video_chunk;
  }
  current_.jpeg.insert(current_.jpeg.end(), chunk.data.begin(), chunk.data.end());
  if (current_.jpeg.size() < h.total_bytes) return std::optional<received_frame>{};
  in_progress_ = false;
  current_.complete_ns = steady_ns();
  return std::optional<received_frame>{std::move(current_)};
}

}  // namespace chatnode::protocol
