// Where captured images come from: a camera, a video file (looped) or a
// synthetic test pattern. Used by the capture thread only; pacing is the
// capture thread's job, not the source's.
#pragma once

#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

namespace chatnode::video {

class frame_source {
 public:
  virtual ~frame_source() = default;
  /// Fills `frame` with the next BGR image (CV_8UC3); false when the source has failed for good.
  virtual bool grab(cv::Mat& frame) = 0;
  /// For the log: "camera 0", "video clip.mp4 (640x480, 25 fps)", "test pattern 640x480".
  virtual std::string describe() const = 0;
  /// The frames a second its content is made for (a file's container rate), 0
  /// when it has none: a camera's grab() waits for its own next frame, and the
  /// test pattern can be drawn at any rate.
  virtual double own_rate() const { return 0; }
  /// Nobody watches: let go of the device, so a camera's light goes off.
  virtual void release() {}
  /// Someone watches again; false when the device cannot be had back.
  virtual bool reacquire() { return true; }
};

/// A V4L2 camera through OpenCV; nullptr with `error` set when it cannot be opened or gives no frame.
/// This and open_video_file load the videoio module (videoio/module.hpp) the first time it is needed.
std::unique_ptr<frame_source> open_camera(int index, std::string& error);
/// Any file OpenCV's FFmpeg backend reads, restarted at its end; nullptr with `error` on failure.
std::unique_ptr<frame_source> open_video_file(const std::string& path, std::string& error);
/// Moving shapes, the sender's name, a running clock and a frame counter, drawn at `size`.
std::unique_ptr<frame_source> make_test_pattern(int width, int height, const std::string& name);

}  // namespace chatnode::video
