// A video file through OpenCV's FFmpeg backend (in the videoio module), looped.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include <opencv2/videoio.hpp>

#include "chatnode/videoio/module.hpp"

namespace chatnode::videoio {
namespace {

class file_source final : public video::frame_source {
 public:
  explicit file_source(std::string path) : path_(std::move(path)) {}

  /// Opens the file and reads one frame, so a file FFmpeg opens but cannot decode fails here, not in the capture loop.
  bool open(std::string& error) {
    const auto prefix = "video " + path_ + ": ";
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return fail(error, prefix + "no such file");
    try {
      if (!capture_.open(path_, cv::CAP_FFMPEG)) return fail(error, prefix + "not a video FFmpeg can read");
      cv::Mat probe;
      if (!capture_.read(probe) || probe.empty()) return fail(error, prefix + "has no frame that can be decoded");
      size_ = probe.size();
      // Containers without a rate report 0, some a nonsense one.
      const double fps = capture_.get(cv::CAP_PROP_FPS);
      fps_ = std::isfinite(fps) && fps > 0 && fps <= 1000 ? fps : 0;
    } catch (const cv::Exception& e) {
      return fail(error, prefix + e.err);
    }
    return true;
  }

  // The probe frame is not replayed: the clip loops, so it comes round again.
  bool grab(cv::Mat& frame) override {
    if (capture_.read(frame)) return true;
    // The end: seek back to the start, or reopen when the container cannot seek.
    if (capture_.set(cv::CAP_PROP_POS_FRAMES, 0) && capture_.read(frame)) return true;
    return capture_.open(path_, cv::CAP_FFMPEG) && capture_.read(frame);
  }

  std::string describe() const override {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.4g fps", fps_);
    return "video " + path_ + " (" + std::to_string(size_.width) + "x" + std::to_string(size_.height) + ", " +
           (fps_ > 0 ? rate : "no usable frame rate") + ")";
  }

  double own_rate() const override { return fps_; }

 private:
  static bool fail(std::string& error, std::string text) {
    error = std::move(text);
    return false;
  }

  std::string path_;
  cv::VideoCapture capture_;
  cv::Size size_;
  double fps_ = 0;
};

}  // namespace

std::unique_ptr<video::frame_source> open_video_file(const std::string& path, std::string& error) {
  auto source = std::make_unique<file_source>(path);
  if (!source->open(error)) return nullptr;
  return source;
}

}  // namespace chatnode::videoio
