// Reasons a byte stream is not valid chat_node protocol; each closes the connection.
#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace chatnode::protocol {

enum class errc {
  bad_preamble = 1,     ///< the first bytes are not the chat_node preamble
  bad_header,           ///< flags or reserved bits set
  frame_too_large,      ///< length over the limit for its type
  bad_length,           ///< fixed-size frame with the wrong length, or fields overrun the payload
  hello_expected,       ///< first frame after the preamble is not hello
  duplicate_hello,
  version_mismatch,
  bad_utf8,             ///< name or text is not valid UTF-8
  bad_video_chunk,      ///< offsets or sizes that do not describe one frame in order
  truncated,            ///< the stream ended inside a frame
};

const boost::system::error_category& error_category();

inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace chatnode::protocol

template <>
struct boost::system::is_error_code_enum<chatnode::protocol::errc> : std::true_type {};
