// Reasons a byte stream is not valid chat_node protocol; each closes the connection.
#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace chatnode::protocol {

enum class errc {
  bad_preamble = 1,  ///< the first bytes are not the chat_node preamble
  bad_header,        ///< flags or reserved bits set
  frame_too_large,   ///< length over the limit for its type
  bad_length,        ///< fixed-size frame with the wrong length, or fields overrun the payload
  hello_expected,    ///< first frame after the preamble is not hello
  duplicate_hello,
  version_mismatch,
  bad_utf8,            ///< name or text is not valid UTF-8
  bad_video_chunk,     ///< offsets or sizes that do not describe one frame in order
  truncated,           ///< the stream ended inside a frame
  unknown_protocol,    ///< the first bytes are none of the protocols a listener recognises
  bad_lecture_header,  ///< lecture video: a length header that is not digits padded with spaces
  bad_lecture_length,  ///< lecture video: a length of 0 or over the limit
  not_jpeg,            ///< lecture video: a frame that does not start as a JPEG does
  line_too_long,       ///< raw text: a line over the text limit
  secret_required,     ///< an auth frame where the hello was expected: the peer has a secret, we have none
  auth_out_of_place,   ///< an auth frame after the hello
  not_authenticated,   ///< we have a secret and the peer sent something else than the auth exchange
  bad_auth_frame,      ///< an auth frame of the wrong type, order or size
  wrong_secret,        ///< the peer's proof does not match our secret
  bad_name,            ///< a name (hello, or a text's or frame's origin) holds a control character
};

const boost::system::error_category& error_category();

inline boost::system::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace chatnode::protocol

template <>
struct boost::system::is_error_code_enum<chatnode::protocol::errc> : std::true_type {};
