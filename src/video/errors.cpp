#include "chatnode/video/errors.hpp"

#include <string>

namespace chatnode::video {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "chat_node video"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::undecodable:
        return "frame is not a decodable JPEG";
      case errc::unsupported:
        return "JPEG variant not supported";
    }
    return "unknown video error";
  }
};

}  // namespace

const boost::system::error_category& error_category() {
  static const category instance;
  return instance;
}

}  // namespace chatnode::video
