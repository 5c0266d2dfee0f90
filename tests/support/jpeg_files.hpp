// JPEG files and buffers in the tests, through the program's own TurboJPEG
// codec: OpenCV's imgcodecs would make every test process of a binary that
// links it load 140 more libraries (GDAL among them) at its start.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "chatnode/video/jpeg_codec.hpp"

namespace test_support {

/// The BGR image in `jpeg`; empty when it does not decode.
inline cv::Mat decode_jpeg(std::span<const std::uint8_t> jpeg) {
  cv::Mat img;
  if (chatnode::video::make_turbojpeg_codec()->decode(jpeg, img)) return {};
  return img;
}

/// The image in the JPEG file at `path`; empty when there is none or it does not decode.
inline cv::Mat read_jpeg(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return decode_jpeg(bytes);
}

/// `bgr` as a baseline JPEG at `quality`.
inline std::vector<std::uint8_t> encode_jpeg(const cv::Mat& bgr, int quality = 90) {
  std::vector<std::uint8_t> out;
  chatnode::video::make_turbojpeg_codec()->encode(bgr, quality, out);
  return out;
}

}  // namespace test_support
