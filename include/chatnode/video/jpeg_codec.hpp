// JPEG encode and decode behind one small interface: TurboJPEG for the
// product, OpenCV's imencode/imdecode as the reference the benchmark and the
// tests compare against. An instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <boost/system/error_code.hpp>
#include <opencv2/core/mat.hpp>

namespace chatnode::video {

class jpeg_codec {
 public:
  virtual ~jpeg_codec() = default;
  /// Encodes a BGR image (CV_8UC3) as baseline JFIF with 4:2:0 chroma at
  /// `quality` (1..100) into `out`, reusing its capacity.
  virtual void encode(const cv::Mat& bgr, int quality, std::vector<std::uint8_t>& out) = 0;
  /// Decodes into `bgr` as CV_8UC3, reallocating only when the size changes.
  /// A damaged or non-JPEG input is an error value (video::errc::undecodable), never an exception.
  virtual boost::system::error_code decode(std::span<const std::uint8_t> jpeg, cv::Mat& bgr) = 0;
  virtual const char* name() const = 0;
};

std::unique_ptr<jpeg_codec> make_turbojpeg_codec();
std::unique_ptr<jpeg_codec> make_opencv_codec();

}  // namespace chatnode::video
