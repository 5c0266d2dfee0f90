#include "chatnode/protocol/errors.hpp"

#include <string>

namespace chatnode::protocol {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "chat_node protocol"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_preamble: return "not a chat_node peer (bad preamble)";
      case errc::bad_header: return "malformed frame header";
      case errc::frame_too_large: return "frame length over the limit for its type";
      case errc::bad_length: return "frame length does not match its contents";
      case errc::hello_expected: return "first frame is not hello";
      case errc::duplicate_hello: return "second hello";
      case errc::version_mismatch: return "protocol version mismatch";
      case errc::bad_utf8: return "text is not valid UTF-8";
      case errc::bad_video_chunk: return "video chunk out of order or inconsistent";
      case errc::truncated: return "stream ended inside a frame";
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
