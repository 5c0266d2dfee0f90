#include "footage.hpp"

#include <filesystem>
#include <stdexcept>

#include <opencv2/videoio.hpp>

namespace bench {
namespace {

class replay final : public chatnode::video::frame_source {
 public:
  explicit replay(std::shared_ptr<const footage> f) : f_(std::move(f)) {}
  bool grab(cv::Mat& frame) override {
    // A copy, as a camera's driver buffer is copied out on every grab.
    f_->frames[next_].copyTo(frame);
    next_ = (next_ + 1) % f_->frames.size();
    return true;
  }
  std::string describe() const override { return "footage " + f_->name; }

 private:
  std::shared_ptr<const footage> f_;
  std::size_t next_ = 0;
};

}  // namespace

std::shared_ptr<const footage> load_footage(const std::string& path, int max_frames) {
  cv::VideoCapture in(path);
  if (!in.isOpened()) throw std::runtime_error("--source: cannot open " + path);
  auto f = std::make_shared<footage>();
  f->name = std::filesystem::path(path).filename().string();
  for (cv::Mat m; static_cast<int>(f->frames.size()) < max_frames && in.read(m);) f->frames.push_back(m.clone());
  if (f->frames.empty()) throw std::runtime_error("--source: " + path + " gave no frame");
  return f;
}

std::unique_ptr<chatnode::video::frame_source> bench_source(const std::shared_ptr<const footage>& f, int width,
                                                            int height) {
  if (f) return std::make_unique<replay>(f);
  return chatnode::video::make_test_pattern(2 * width, 2 * height, "sender");
}

std::string source_name(const std::shared_ptr<const footage>& f) { return f ? f->name : "test pattern"; }

}  // namespace bench
