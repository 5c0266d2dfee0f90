#include "chatnode/protocol/errors.hpp"

#include <string>

namespace chatnode::protocol {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "chat_node protocol"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_preamble:
        return "not a chat_node peer (bad preamble)";
      case errc::bad_header:
        return "malformed frame header";
      case errc::frame_too_large:
        return "frame length over the limit for its type";
      case errc::bad_length:
        return "frame length does not match its contents";
      case errc::hello_expected:
        return "first frame is not hello";
      case errc::duplicate_hello:
        return "second hello";
      case errc::version_mismatch:
        return "protocol version mismatch";
      case errc::bad_utf8:
        return "text is not valid UTF-8";
      case errc::bad_video_chunk:
        return "video chunk out of order or inconsistent";
      case errc::truncated:
        return "stream ended inside a frame";
      case errc::unknown_protocol:
        return "not a protocol this node speaks (neither chat_node, HTTP, a lecture-video header nor UTF-8 text)";
      case errc::bad_lecture_header:
        return "lecture-video length header is not a decimal number padded with spaces";
      case errc::bad_lecture_length:
        return "lecture-video frame length is 0 or over the limit";
      case errc::not_jpeg:
        return "lecture-video frame is not a JPEG";
      case errc::line_too_long:
        return "line over the text limit";
      case errc::secret_required:
        return "the peer requires a secret (--secret or CHAT_NODE_SECRET)";
      case errc::auth_out_of_place:
        return "auth frame after the hello";
      case errc::not_authenticated:
        return "the peer did not authenticate";
      case errc::bad_auth_frame:
        return "malformed or out-of-order auth frame";
      case errc::wrong_secret:
        return "wrong secret";
      case errc::bad_name:
        return "a name holds a control character";
    }
    return "unknown protocol error";
  }
};

}  // namespace

const boost::system::error_category& error_category() {
  static const category instance;
  return instance;
}

}  // namespace chatnode::protocol
