#include "chatnode/video/test_pattern.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "chatnode/video/frame_source.hpp"

namespace chatnode::video {
namespace {

constexpr int font = cv::FONT_HERSHEY_SIMPLEX;

/// putText draws ASCII only: one '?' per non-ASCII code point, so "Zoë" reads "Zo?".
std::string drawable(const std::string& utf8) {
  std::string out;
  for (const char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80)
      out.push_back(c < 0x20 || c == 0x7F ? '?' : ch);
    else if (c >= 0xC0)
      out.push_back('?');  // a lead byte; its continuation bytes are skipped
  }
  return out;
}

/// Position on [0, span] going back and forth at `speed` pixels per frame.
int bounce(std::uint64_t frame, int speed, int span) {
  if (span <= 0) return 0;
  const auto period = 2 * static_cast<std::uint64_t>(span);
  const auto p = static_cast<int>(frame * static_cast<std::uint64_t>(speed) % period);
  return p <= span ? p : 2 * span - p;
}

std::string wall_clock(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  const auto ms = static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

/// A muted two-way gradient (blue rises to the right, green and red downwards), so white text and the shapes stand out.
cv::Mat gradient(int width, int height) {
  cv::Mat bg(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    auto* row = bg.ptr<cv::Vec3b>(y);
    const int dy = 70 * y / height;
    for (int x = 0; x < width; ++x) {
      const int dx = 120 * x / width;
      row[x] =
          cv::Vec3b(static_cast<uchar>(60 + dx), static_cast<uchar>(30 + dy), static_cast<uchar>(40 + dx / 2 + dy));
    }
  }
  return bg;
}

class test_pattern_source final : public frame_source {
 public:
  test_pattern_source(int width, int height, const std::string& name) : pattern_(width, height, name) {}

  bool grab(cv::Mat& frame) override {
    pattern_.draw(frame, frame_number_++, std::chrono::system_clock::now());
    return true;
  }

  std::string describe() const override {
    return "test pattern " + std::to_string(pattern_.width()) + "x" + std::to_string(pattern_.height());
  }

 private:
  test_pattern pattern_;
  std::uint64_t frame_number_ = 0;
};

}  // namespace

test_pattern::test_pattern(int width, int height, const std::string& name) : label_(drawable(name)) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("test pattern: size must be positive");
  background_ = gradient(width, height);
  // 0.5 at 320x240 (the smallest legible Hershey text), 2.25 at 1920x1080.
  font_scale_ = std::min(width / 640.0, height / 480.0);
  thickness_ = std::max(1, static_cast<int>(std::lround(font_scale_ * 2)));
  outline_ = thickness_ + 2 * std::max(1, static_cast<int>(std::lround(font_scale_)));
  int baseline = 0;
  line_height_ = cv::getTextSize("Ag", font, font_scale_, thickness_, &baseline).height * 9 / 5;
  margin_ = std::max(4, height / 40);
}

void test_pattern::draw(cv::Mat& out, std::uint64_t frame_number, std::chrono::system_clock::time_point now) const {
  background_.copyTo(out);
  const int w = width(), h = height();

  // Three movers at different speeds and periods: a ball crossing the middle,
  // a block riding the right edge, and a bar sweeping the bottom strip that
  // shows tearing or dropped frames at a glance.
  const int radius = std::max(2, h / 10);
  const cv::Point ball(radius + bounce(frame_number, std::max(1, w / 160), w - 2 * radius), h / 2);
  cv::circle(out, ball, radius, cv::Scalar(0, 200, 255), cv::FILLED, cv::LINE_AA);

  const int side = std::max(2, h / 6);
  const int block_y = bounce(frame_number, std::max(1, h / 120), h - side);
  cv::rectangle(out, cv::Rect(w - side - margin_, block_y, side, side), cv::Scalar(255, 200, 0), cv::FILLED);

  const int bar_width = std::max(2, w / 100);
  const int bar_x = static_cast<int>(frame_number * static_cast<std::uint64_t>(std::max(1, w / 120)) % w);
  cv::rectangle(out, cv::Rect(bar_x, h - h / 8, bar_width, h / 8), cv::Scalar(255, 255, 255), cv::FILLED);

  const std::string lines[] = {label_, wall_clock(now), "frame " + std::to_string(frame_number)};
  int y = margin_;
  for (const auto& text : lines) {
    y += line_height_;
    const cv::Point at(margin_, y);
    cv::putText(out, text, at, font, font_scale_, cv::Scalar(0, 0, 0), outline_, cv::LINE_AA);
    cv::putText(out, text, at, font, font_scale_, cv::Scalar(255, 255, 255), thickness_, cv::LINE_AA);
  }
}

std::unique_ptr<frame_source> make_test_pattern(int width, int height, const std::string& name) {
  return std::make_unique<test_pattern_source>(width, height, name);
}

}  // namespace chatnode::video
