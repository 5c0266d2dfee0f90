// Capture and encode, on two threads: "capture" grabs and resizes at the
// source's pace, "encode" JPEG-encodes and hands frames off. A one-slot
// hand-off joins them (a newer image replaces one the encoder has not taken),
// so on two cores grabbing and encoding overlap and neither waits on the other.
// Nothing here waits on the network: the hand-off only posts into the executor.
//
// Each image is encoded in the renditions the receivers need now (one per
// rung some link is on, video/rendition_demand.hpp), once each; with none
// needed, capture pauses and the source is released until someone watches.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "chatnode/video/encoded_frame.hpp"
#include "chatnode/video/frame_source.hpp"
#include "chatnode/video/jpeg_codec.hpp"

namespace chatnode::video {

struct capture_config {
  double fps = 30;         ///< frames per second to send; 0 sends as fast as the source gives them
  bool fps_given = false;  ///< fps was chosen by the user, not left at its default
  double scale = 0.5;      ///< applied to the source's size, as the teaching program halved its frames
  cv::Size size;           ///< overrides scale when not empty
  int quality = 90;        ///< JPEG quality 1..100: rung 0's
  std::string origin;      ///< the sender's name, carried by every frame
};

/// The rate the capture loop runs at (0: as fast as the source gives frames). A
/// source with a rate of its own (a file) plays at that rate, which an fps the
/// user chose may lower (0: as fast as it decodes) but never raise; any other
/// source is paced at fps.
double capture_rate(double own_rate, const capture_config& cfg);

struct capture_hooks {
  /// Which renditions to encode the next image in; empty: nobody watches. Any
  /// thread may change what it returns; it is asked before every image, and
  /// every 20 ms while paused.
  std::function<std::vector<rendition>()> wanted;
  /// Called on the encode thread with each image's renditions; must only post, never block.
  std::function<void(frame_set_ptr)> deliver;
  /// Called once if the source fails for good.
  std::function<void(const std::string&)> on_error;
  /// Called on the capture thread when capture pauses (false) or resumes (true).
  std::function<void(bool)> on_watched;
};

class capture_thread {
 public:
  /// Starts capturing at once (or paused, when nobody watches yet).
  capture_thread(std::unique_ptr<frame_source> source, std::unique_ptr<jpeg_codec> codec, capture_config cfg,
                 capture_hooks hooks);
  /// Stops and joins both threads.
  ~capture_thread();
  capture_thread(const capture_thread&) = delete;
  capture_thread& operator=(const capture_thread&) = delete;

  /// What capture_rate() chose for this source.
  double rate() const { return rate_; }
  /// Images grabbed that the encoder never took because a newer one came first.
  std::uint64_t frames_skipped() const { return skipped_.load(std::memory_order_relaxed); }
  /// Capture is paused: nobody watches.
  bool paused() const { return paused_.load(std::memory_order_relaxed); }

 private:
  struct slot {
    cv::Mat image;
    std::vector<rendition> renditions;
    std::uint32_t seq = 0;
    std::uint64_t capture_us = 0;
    stage_times times;
  };
  void capture_loop(const std::stop_token& stop);
  void encode_loop(const std::stop_token& stop);
  /// Waits, paused, until someone watches; false when stopped (or the source is lost).
  bool wait_for_viewers(const std::stop_token& stop, std::vector<rendition>& wanted);

  std::unique_ptr<frame_source> source_;
  std::unique_ptr<jpeg_codec> codec_;
  capture_config cfg_;
  double rate_;  ///< before the threads, which read it
  capture_hooks hooks_;
  std::atomic<std::uint64_t> captured_{0}, skipped_{0};
  std::atomic<bool> paused_{false};

  std::mutex mutex_;
  std::condition_variable_any ready_;  ///< the slot was filled
  slot pending_;                       ///< guarded by mutex_
  bool has_pending_ = false;           ///< guarded by mutex_

  // Last: they start after everything above exists, and stop first.
  std::jthread encoder_;
  std::jthread capturer_;
};

}  // namespace chatnode::video
