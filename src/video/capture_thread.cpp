#include "chatnode/video/capture_thread.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>

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

double capture_rate(double own_rate, const capture_config& cfg) {
  if (own_rate <= 0) return cfg.fps;
  if (!cfg.fps_given) return own_rate;
  return cfg.fps == 0 ? 0 : std::min(cfg.fps, own_rate);
}

capture_thread::capture_thread(std::unique_ptr<frame_source> source, std::unique_ptr<jpeg_codec> codec,
                               capture_config cfg, capture_hooks hooks)
    : source_(std::move(source)),
      codec_(std::move(codec)),
      cfg_(std::move(cfg)),
      rate_(capture_rate(source_->own_rate(), cfg_)),
      hooks_(std::move(hooks)),
      encoder_([this](const std::stop_token& st) { encode_loop(st); }),
      capturer_([this](const std::stop_token& st) { capture_loop(st); }) {}

capture_thread::~capture_thread() {
  capturer_.request_stop();
  encoder_.request_stop();
  capturer_.join();
  encoder_.join();
}

void capture_thread::capture_loop(const std::stop_token& stop) {
  pthread_setname_np(pthread_self(), "capture");
  // Pacing waits on this, so that a stop request ends the wait at once.
  std::mutex pace_mutex;
  std::condition_variable_any pace;
  const auto period = rate_ > 0
                          ? std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(1.0 / rate_))
                          : steady::duration::zero();
  auto next = steady::now();
  slot s;
  cv::Mat grabbed;

  while (!stop.stop_requested()) {
    s.renditions = hooks_.wanted();
    if (s.renditions.empty()) {
      if (!wait_for_viewers(stop, s.renditions)) return;
      next = steady::now();
    }
    if (period > steady::duration::zero()) {
      // The source rate sets the pace: wait for this frame's slot, and if we
      // fell more than a frame behind, start counting again from now.
      next += period;
      const auto now = steady::now();
      if (next < now - period) next = now;
      std::unique_lock lock(pace_mutex);
      pace.wait_until(lock, stop, next, [] { return false; });
      if (stop.stop_requested()) return;
    }

    s.times = {};
    s.times.grab_begin = steady_ns();
    if (!source_->grab(grabbed) || grabbed.empty()) {
      hooks_.on_error(source_->describe() + " stopped giving frames");
      return;
    }
    s.capture_us = wall_us();
    s.times.grab_end = steady_ns();
    const auto size = target_size(cfg_, grabbed.size());
    if (size != grabbed.size())
      cv::resize(grabbed, s.image, size, 0, 0, cv::INTER_AREA);
    else
      std::swap(grabbed, s.image);  // the source refills whichever buffer it is given
    s.times.resize_end = steady_ns();
    s.seq = static_cast<std::uint32_t>(captured_.fetch_add(1, std::memory_order_relaxed) + 1);

    {
      std::lock_guard lock(mutex_);
      if (has_pending_) skipped_.fetch_add(1, std::memory_order_relaxed);
      std::swap(pending_, s);  // s gets the old buffers back, to be reused
      has_pending_ = true;
    }
    ready_.notify_one();
  }
}

bool capture_thread::wait_for_viewers(const std::stop_token& stop, std::vector<rendition>& wanted) {
  paused_ = true;
  source_->release();
  if (hooks_.on_watched) hooks_.on_watched(false);
  // Asked again every 20 ms: someone arriving is seen within a frame, and
  // the wait costs nothing the viewers would notice.
  std::mutex poll_mutex;
  std::condition_variable_any poll;
  while (wanted.empty()) {
    std::unique_lock lock(poll_mutex);
    poll.wait_for(lock, stop, std::chrono::milliseconds(20), [] { return false; });
    if (stop.stop_requested()) return false;
    wanted = hooks_.wanted();
  }
  paused_ = false;
  if (!source_->reacquire()) {
    hooks_.on_error(source_->describe() + " could not be opened again");
    return false;
  }
  if (hooks_.on_watched) hooks_.on_watched(true);
  return true;
}

void capture_thread::encode_loop(const std::stop_token& stop) {
  pthread_setname_np(pthread_self(), "encode");
  slot s;
  cv::Mat smaller;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (!ready_.wait(lock, stop, [this] { return has_pending_; })) return;
      std::swap(pending_, s);
      has_pending_ = false;
    }
    std::vector<frame_ptr> frames;
    for (const auto& r : s.renditions) {
      const cv::Mat* image = &s.image;
      if (r.scale_div > 1) {
        const cv::Size size(scaled_side(s.image.cols, r.scale_div), scaled_side(s.image.rows, r.scale_div));
        cv::resize(s.image, smaller, size, 0, 0, cv::INTER_AREA);
        image = &smaller;
      }
      std::vector<std::uint8_t> jpeg;
      codec_->encode(*image, r.quality, jpeg);
      auto times = s.times;
      times.encode_end = steady_ns();
      frames.push_back(std::make_shared<const encoded_frame>(s.seq, s.capture_us, image->cols, image->rows, cfg_.origin,
                                                             std::move(jpeg), times, r));
    }
    hooks_.deliver(std::make_shared<const frame_set>(std::move(frames)));
  }
}

}  // namespace chatnode::video
