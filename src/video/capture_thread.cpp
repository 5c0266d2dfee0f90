#include "chatnode/video/capture_thread.hpp"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <opencv2/imgproc.hpp>

#include "chatnode/clock.hpp"

namespace chatnode::video {
namespace {

using steady = std::chrono::steady_clock;

cv::Size target_size(const capture_config& cfg, cv::Size source) {
  if (!cfg.size.empty()) return cfg.size;
  // Even dimensions keep 4:2:0 chroma subsampling exact.
  const int w = std::max(2, static_cast<int>(source.width * cfg.scale) & ~1);
  const int h = std::max(2, static_cast<int>(source.height * cfg.scale) & ~1);
  return {w, h};
}

}  // namespace

capture_thread::capture_thread(std::unique_ptr<frame_source> source, std::unique_ptr<jpeg_codec> codec,
                               capture_config cfg, deliver_fn deliver, error_fn on_error)
    : source_(std::move(source)),
      codec_(std::move(codec)),
      cfg_(std::move(cfg)),
      deliver_(std::move(deliver)),
      on_error_(std::move(on_error)),
      thread_([this](std::stop_token st) { loop(st); }) {}

capture_thread::~capture_thread() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

cv::Size capture_thread::frame_size() const { return {width_.load(), height_.load()}; }

void capture_thread::loop(std::stop_token stop) {
  pthread_setname_np(pthread_self(), "capture");
  // Pacing waits on this so that a stop request ends the wait at once.
  std::mutex m;
  std::condition_variable_any cv;
  const auto period = cfg_.fps > 0 ? std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(1.0 / cfg_.fps))
                                   : steady::duration::zero();
  auto next = steady::now();
  cv::Mat grabbed, resized;
  std::uint32_t seq = 0;

  while (!stop.stop_requested()) {
    if (period > steady::duration::zero()) {
      // The source rate sets the pace: wait for this frame's slot, and if we
      // fell more than a frame behind, start counting again from now.
      next += period;
      const auto now = steady::now();
      if (next < now - period) next = now;
      std::unique_lock lock(m);
      cv.wait_until(lock, stop, next, [] { return false; });
      if (stop.stop_requested()) break;
    }

    stage_times t;
    t.grab_begin = steady_ns();
    if (!source_->grab(grabbed) || grabbed.empty()) {
      on_error_(source_->describe() + " stopped giving frames");
      return;
    }
    const auto capture_us = wall_us();
    t.grab_end = steady_ns();

    const auto size = target_size(cfg_, grabbed.size());
    const cv::Mat* image = &grabbed;
    if (size != grabbed.size()) {
      cv::resize(grabbed, resized, size, 0, 0, cv::INTER_AREA);
      image = &resized;
    }
    t.resize_end = steady_ns();

    std::vector<std::uint8_t> jpeg;
    codec_->encode(*image, cfg_.quality, jpeg);
    t.encode_end = steady_ns();

    width_ = size.width;
    height_ = size.height;
    captured_.fetch_add(1, std::memory_order_relaxed);
    t.posted = steady_ns();
    deliver_(std::make_shared<const encoded_frame>(++seq, capture_us, size.width, size.height, cfg_.origin,
                                                   std::move(jpeg), t));
  }
}

}  // namespace chatnode::video
