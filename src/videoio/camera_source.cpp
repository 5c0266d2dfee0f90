// A V4L2 camera through OpenCV (in the videoio module): opened only once
// chat_node has seen that its device exists.
#include <string>

#include <opencv2/videoio.hpp>

#include "chatnode/videoio/module.hpp"

namespace chatnode::videoio {
namespace {

class camera_source final : public video::frame_source {
 public:
  explicit camera_source(int index) : index_(index) {}

  /// Opens the device and reads one frame: some devices open fine and never deliver (metadata nodes, a busy camera).
  bool open(std::string& error) {
    const auto prefix = camera_prefix(index_);
    try {
      if (!capture_.open(index_, cv::CAP_V4L2))
        return fail(error, prefix + "cannot be opened (in use, no permission, or not a capture device)");
      cv::Mat probe;
      if (!capture_.read(probe) || probe.empty()) return fail(error, prefix + "opened but gave no frame");
      size_ = probe.size();
    } catch (const cv::Exception& e) {
      return fail(error, prefix + e.err);
    }
    return true;
  }

  bool grab(cv::Mat& frame) override { return capture_.read(frame) && !frame.empty(); }

  void release() override { capture_.release(); }

  bool reacquire() override {
    try {
      return capture_.open(index_, cv::CAP_V4L2);
    } catch (const cv::Exception&) {
      return false;
    }
  }

  std::string describe() const override {
    return "camera " + std::to_string(index_) + " (" + camera_device(index_) + ", " + std::to_string(size_.width) +
           "x" + std::to_string(size_.height) + ")";
  }

 private:
  static bool fail(std::string& error, std::string text) {
    error = std::move(text);
    return false;
  }

  int index_;
  cv::VideoCapture capture_;
  cv::Size size_;
};

}  // namespace

std::unique_ptr<video::frame_source> open_camera(int index, std::string& error) {
  auto source = std::make_unique<camera_source>(index);
  if (!source->open(error)) return nullptr;
  return source;
}

}  // namespace chatnode::videoio
