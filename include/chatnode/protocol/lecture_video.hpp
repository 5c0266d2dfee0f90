// The teaching video chat's framing (docs/PROTOCOL.md, section 5.2): each frame
// is a 16-byte header holding the JPEG's length in ASCII decimal, left-aligned
// and padded with spaces (Python's str(len).ljust(16)), then the JPEG itself.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <boost/system/result.hpp>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/frame_parser.hpp"

namespace chatnode::protocol {

constexpr std::size_t lecture_header_bytes = 16;
/// The same bound as one of our own video frames: a longer length is refused from the header alone.
constexpr std::size_t max_lecture_frame_bytes = max_video_frame_bytes;

/// The header announcing a JPEG of `length` bytes (1 .. max_lecture_frame_bytes).
std::array<std::uint8_t, lecture_header_bytes> encode_lecture_header(std::size_t length);

/// The length a header announces; bad_lecture_header unless it is digits then
/// only spaces, bad_lecture_length when it is 0 or over the limit.
boost::system::result<std::size_t> decode_lecture_header(std::span<const std::uint8_t, lecture_header_bytes> h);

/// Incremental parser of a lecture-video stream, as frame_parser is of ours.
/// A frame comes back as parse_status::frame with the JPEG as payload; its
/// first bytes must be a JPEG's start of image (FF D8), checked as soon as they arrive.
class lecture_parser {
 public:
  parse_result parse(std::span<const std::uint8_t> data);
};

}  // namespace chatnode::protocol
