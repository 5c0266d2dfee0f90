// The synthetic picture behind make_test_pattern, drawable on its own so a
// test or the benchmark can render any frame at any time, deterministically.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <opencv2/core/mat.hpp>

namespace chatnode::video {

class test_pattern {
 public:
  /// Precomputes the background for this size; `name` may be any UTF-8.
  test_pattern(int width, int height, const std::string& name);

  /// Draws frame `frame_number`, stamped with `now` (local time), into `out` as
  /// CV_8UC3 of the pattern's size, reusing its allocation.
  void draw(cv::Mat& out, std::uint64_t frame_number, std::chrono::system_clock::time_point now) const;

  int width() const { return background_.cols; }
  int height() const { return background_.rows; }

 private:
  cv::Mat background_;  ///< the gradient, copied under every frame
  std::string label_;   ///< the name as putText can draw it (ASCII)
  double font_scale_;
  int thickness_;
  int outline_;  ///< thickness of the dark rim that keeps text readable on any color
  int line_height_;
  int margin_;
};

}  // namespace chatnode::video
