// video::test_pattern and the frame sources: the pattern is deterministic and
// moves, a video file loops, and a source that cannot deliver says why.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "chatnode/video/capture_thread.hpp"
#include "chatnode/video/frame_source.hpp"
#include "chatnode/video/test_pattern.hpp"
#include "chatnode/videoio/module.hpp"

#include "support/temp_dir.hpp"
#include "video/fixed_time.hpp"

namespace fs = std::filesystem;
namespace video = chatnode::video;
namespace videoio = chatnode::videoio;

namespace {

using video_test::fixed_time;

bool identical(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

constexpr int clip_frames = 12;
const cv::Size clip_size(160, 120);

/// A short MJPG clip of distinct test-pattern frames, through OpenCV's built-in AVI writer.
void write_clip(const fs::path& path) {
  cv::VideoWriter writer(path.string(), cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25,
                         clip_size);
  REQUIRE(writer.isOpened());
  video::test_pattern pattern(clip_size.width, clip_size.height, "clip");
  cv::Mat frame;
  for (int i = 0; i < clip_frames; ++i) {
    pattern.draw(frame, static_cast<std::uint64_t>(i) * 10, fixed_time);
    writer.write(frame);
  }
}

}  // namespace

TEST_CASE("The test pattern draws a BGR image of the requested size", "[video][sources]") {
  const auto [width, height] = GENERATE(table<int, int>({{320, 240}, {1920, 1080}, {333, 241}, {8, 8}, {1, 1}}));
  INFO(width << "x" << height);
  video::test_pattern pattern(width, height, "alice");
  CHECK(pattern.width() == width);
  CHECK(pattern.height() == height);
  cv::Mat out;
  pattern.draw(out, 0, fixed_time);
  CHECK(out.type() == CV_8UC3);
  CHECK(out.size() == cv::Size(width, height));
  const auto* pixels = out.data;
  pattern.draw(out, 1, fixed_time);
  CHECK(out.data == pixels);
}

TEST_CASE("The test pattern is a function of the frame number and the time", "[video][sources]") {
  video::test_pattern pattern(320, 240, "alice");
  cv::Mat a, b;
  pattern.draw(a, 7, fixed_time);
  pattern.draw(b, 7, fixed_time);
  CHECK(identical(a, b));

  pattern.draw(b, 8, fixed_time);
  CHECK_FALSE(identical(a, b));

  pattern.draw(b, 7, fixed_time + std::chrono::milliseconds(1));
  CHECK_FALSE(identical(a, b));
}

TEST_CASE("The test pattern draws any name, including non-ASCII and control bytes", "[video][sources]") {
  const std::string name = GENERATE(std::string("Zoë 🎥 Ünïcødé"), std::string("\xff\xfe\x80 bad\tutf8\n"),
                                    std::string(), std::string(200, 'W'));
  video::test_pattern pattern(320, 240, name);
  cv::Mat out;
  pattern.draw(out, 3, fixed_time);
  CHECK(out.size() == cv::Size(320, 240));
}

TEST_CASE("The test pattern refuses an empty size", "[video][sources]") {
  CHECK_THROWS_AS(video::test_pattern(0, 240, "x"), std::invalid_argument);
  CHECK_THROWS_AS(video::test_pattern(320, -1, "x"), std::invalid_argument);
}

TEST_CASE("The test-pattern source delivers a new frame on every grab", "[video][sources]") {
  auto source = video::make_test_pattern(320, 240, "bob");
  REQUIRE(source);
  CHECK(source->describe() == "test pattern 320x240");
  cv::Mat first, second;
  REQUIRE(source->grab(first));
  REQUIRE(source->grab(second));
  CHECK(first.size() == cv::Size(320, 240));
  CHECK(first.type() == CV_8UC3);
  CHECK_FALSE(identical(first, second));
}

TEST_CASE("A video file delivers its frames and starts over at its end", "[video][sources]") {
  test_support::temp_dir dir;
  const auto path = dir.path / "clip.avi";
  write_clip(path);

  std::string error;
  auto source = videoio::open_video_file(path.string(), error);
  REQUIRE(source);
  CHECK(error.empty());
  CHECK(source->describe() == "video " + path.string() + " (160x120, 25 fps)");
  CHECK(source->own_rate() == Approx(25));

  std::vector<cv::Mat> frames;
  for (int i = 0; i < 30; ++i) {
    cv::Mat frame;
    REQUIRE(source->grab(frame));
    REQUIRE(frame.size() == clip_size);
    REQUIRE(frame.type() == CV_8UC3);
    frames.push_back(frame);
  }
  // Looping means period clip_frames: the same picture comes round again, and
  // the frames within one period differ from each other.
  for (std::size_t i = 0; i + clip_frames < frames.size(); ++i) {
    INFO("grab " << i);
    CHECK(identical(frames[i], frames[i + clip_frames]));
  }
  CHECK_FALSE(identical(frames[0], frames[1]));
}

TEST_CASE("A file plays at its own rate, which a chosen --fps lowers but never raises", "[video][sources]") {
  const auto rate = [](double own, double fps, bool given) {
    video::capture_config cfg;
    cfg.fps = fps;
    cfg.fps_given = given;
    return video::capture_rate(own, cfg);
  };
  CHECK(rate(10, 30, false) == 10);  // a 10 fps clip, --fps left at its default
  CHECK(rate(60, 30, false) == 60);
  CHECK(rate(10, 5, true) == 5);
  CHECK(rate(10, 60, true) == 10);
  CHECK(rate(10, 0, true) == 0);  // --fps 0: as fast as it decodes
  // A camera or the test pattern has no rate of its own: --fps, or its default, paces it.
  CHECK(rate(0, 30, false) == 30);
  CHECK(rate(0, 15, true) == 15);
  CHECK(rate(0, 0, true) == 0);
}

TEST_CASE("A missing or non-video file is refused with an error naming it", "[video][sources]") {
  test_support::temp_dir dir;
  std::string error;

  const auto missing = dir.path / "missing.avi";
  CHECK_FALSE(videoio::open_video_file(missing.string(), error));
  CHECK(error.find(missing.string()) != std::string::npos);

  const auto text = dir.path / "not-a-video.avi";
  std::ofstream(text) << "this is plain text, not a video\n";
  error.clear();
  CHECK_FALSE(videoio::open_video_file(text.string(), error));
  CHECK(error.find(text.string()) != std::string::npos);

  error.clear();
  CHECK_FALSE(videoio::open_video_file((dir.path / "").string(), error));
  CHECK_FALSE(error.empty());
}

TEST_CASE("A camera that does not exist is refused with a reason", "[video][sources]") {
  std::string error;
  CHECK_FALSE(video::open_camera(99, error));
  CHECK(error.find("99") != std::string::npos);
  CHECK(error.find("no such device") != std::string::npos);
}
