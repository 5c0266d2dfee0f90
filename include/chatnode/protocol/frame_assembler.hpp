// Rebuilds whole JPEG frames from the chunks of one peer. Pure state, no I/O.
// A sender finishes every frame it starts and sends chunks in order, so any
// gap, overlap or change of frame mid-way is a protocol error.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <boost/system/result.hpp>

#include "chatnode/protocol/messages.hpp"

namespace chatnode::protocol {

struct received_frame {
  protocol::video_chunk_header header;  ///< offset is meaningless here
  std::vector<std::uint8_t> jpeg;
  std::int64_t first_chunk_ns = 0;  ///< steady clock: first chunk parsed
  std::int64_t complete_ns = 0;     ///< steady clock: last chunk parsed
};

class frame_assembler {
 public:
  /// A complete frame when `chunk` was its last one, nothing while more are due.
  boost::system::result<std::optional<received_frame>> add(const protocol::video_chunk& chunk);
  /// A frame has started and not finished (so the stream ended inside it).
  bool in_progress() const { return in_progress_; }

 private:
  bool in_progress_ = false;
  received_frame current_;
};

}  // namespace chatnode::protocol
