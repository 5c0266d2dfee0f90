// A received frame after decoding, as the sinks (display, recorder, saver) get it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "chatnode/protocol/messages.hpp"

namespace chatnode::video {

struct decoded_frame {
  int peer = 0;                                           ///< local number of the connection it came on: 1, 2, ...
  std::string peer_name;                                  ///< the peer's own name (untrusted: never a file name)
  protocol::video_chunk_header header;                    ///< sequence number, capture time, size, origin
  std::shared_ptr<const std::vector<std::uint8_t>> jpeg;  ///< the bytes as received
  std::int64_t first_chunk_ns = 0;                        ///< steady clock, as in received_frame
  std::int64_t complete_ns = 0;
  std::int64_t decode_begin_ns = 0;  ///< steady clock: the decode thread took it
  std::int64_t decode_end_ns = 0;
  cv::Mat image;  ///< BGR, decoded; its pixels are reused for the next frame, so a sink that keeps it clones it
};

/// Something that consumes decoded frames. Called on the decode thread; must not block for long.
class frame_sink {
 public:
  virtual ~frame_sink() = default;
  virtual void consume(const decoded_frame& f) = 0;
  /// The peer's connection ended: release what belongs to it (close its file, window).
  virtual void peer_closed(int peer) = 0;
};

}  // namespace chatnode::video
