// The capture thread: grab -> resize -> JPEG encode -> stamp -> hand off.
// It never waits on the network: the hand-off only posts into the executor,
// and the receivers bound what waits there (latest frame wins).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <opencv2/core/types.hpp>

#include "chatnode/video/encoded_frame.hpp"
#include "chatnode/video/frame_source.hpp"
#include "chatnode/video/jpeg_codec.hpp"

namespace chatnode::video {

struct capture_config {
  double fps = 30;        ///< frames per second to send; 0 sends as fast as the source gives them
  double scale = 0.5;     ///< applied to the source's size, as the teaching program halved its frames
  cv::Size size;          ///< overrides scale when not empty
  int quality = 90;       ///< JPEG quality 1..100
  std::string origin;     ///< the sender's name, carried by every frame
};

class capture_thread {
 public:
  /// Called on the capture thread with each encoded frame; must only post, never block.
  using deliver_fn = std::function<void(frame_ptr)>;
  /// Called once if the source fails for good.
  using error_fn = std::function<void(const std::string&)>;

  /// Starts capturing at once.
  capture_thread(std::unique_ptr<frame_source> source, std::unique_ptr<jpeg_codec> codec, capture_config cfg,
                 deliver_fn deliver, error_fn on_error);
  /// Stops and joins.
  ~capture_thread();
  capture_thread(const capture_thread&) = delete;
  capture_thread& operator=(const capture_thread&) = delete;

  std::uint64_t frames_captured() const { return captured_.load(std::memory_order_relaxed); }
  /// The size frames are sent at, once the first one is captured.
  cv::Size frame_size() const;

 private:
  void loop(std::stop_token stop);

  std::unique_ptr<frame_source> source_;
  std::unique_ptr<jpeg_codec> codec_;
  capture_config cfg_;
  deliver_fn deliver_;
  error_fn on_error_;
  std::atomic<std::uint64_t> captured_{0};
  std::atomic<int> width_{0}, height_{0};
  std::jthread thread_;  // last: starts after everything above exists
};

}  // namespace chatnode::video
