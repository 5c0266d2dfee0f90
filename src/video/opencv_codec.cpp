// The reference codec: OpenCV's own imencode/imdecode, which the benchmark
// and the tests compare TurboJPEG against.
#include "chatnode/video/jpeg_codec.hpp"

#include <limits>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>

#include "chatnode/video/errors.hpp"

namespace chatnode::video {
namespace {

class opencv_codec final : public jpeg_codec {
 public:
  void encode(const cv::Mat& bgr, int quality, std::vector<std::uint8_t>& out) override {
    if (bgr.empty() || bgr.type() != CV_8UC3 || quality < 1 || quality > 100)
      throw std::invalid_argument("jpeg encode: needs a non-empty CV_8UC3 image and quality 1..100");
    // OpenCV's defaults are already baseline with 4:2:0 chroma.
    cv::imencode(".jpg", bgr, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  }

  boost::system::error_code decode(std::span<const std::uint8_t> jpeg, cv::Mat& bgr) override {
    // imdecode takes any format it knows, and spills formats it cannot read
    // from memory to a temporary file; this codec is for JPEG (SOI first).
    if (jpeg.size() < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 ||
        jpeg.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      return errc::undecodable;
    try {
      const cv::Mat buffer(1, static_cast<int>(jpeg.size()), CV_8UC1, const_cast<std::uint8_t*>(jpeg.data()));
      // TurboJPEG ignores EXIF orientation, so the reference must too.
      cv::imdecode(buffer, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION, &bgr);
    } catch (const cv::Exception&) {
      return errc::undecodable;
    }
    if (bgr.empty()) return errc::undecodable;
    return {};
  }

  const char* name() const override { return "opencv"; }
};

}  // namespace

std::unique_ptr<jpeg_codec> make_opencv_codec() { return std::make_unique<opencv_codec>(); }

}  // namespace chatnode::video
