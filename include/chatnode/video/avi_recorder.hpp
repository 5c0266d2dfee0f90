// --record: each peer's received video into its own MJPEG AVI file, the JPEGs
// stored as they arrived (no re-encode). A file has one size, its first
// frame's: a frame of another size (the sender's link gave way, or came back)
// is scaled to it and encoded again. The first peer seen records to the
// given path, any later peer N to the path with "-N" before the extension
// (out.avi, out-2.avi); peer names never reach the file system.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "chatnode/video/decoded_frame.hpp"
#include "chatnode/video/jpeg_codec.hpp"

namespace chatnode::video {

class avi_recorder final : public frame_sink {
 public:
  using error_handler = std::function<void(std::string)>;

  /// `fps_hint` is the rate the files declare (clamped to 1..240); frames are
  /// placed by their capture time, so it should be at least the senders' rate.
  /// `on_error` hears, on the decode thread, why a peer's recording stopped.
  explicit avi_recorder(std::string path, double fps_hint, error_handler on_error = {});
  /// Finishes every file still open.
  ~avi_recorder() override;
  avi_recorder(const avi_recorder&) = delete;
  avi_recorder& operator=(const avi_recorder&) = delete;

  void consume(const decoded_frame& f) override;
  void peer_closed(int peer) override;

  /// Frames scaled to their file's size and encoded again, since theirs differed.
  std::uint64_t rescaled_frames() const { return rescaled_.load(std::memory_order_relaxed); }

 private:
  struct recording;

  std::string path_for(int peer) const;
  void start(int peer, const decoded_frame& f, recording& r);
  void stop(int peer, recording& r, const std::string& why);

  std::string path_;
  double fps_;
  error_handler on_error_;
  int first_peer_ = 0;  ///< the peer that records to path_ itself; 0 until a frame arrives
  /// Kept after a peer's file is closed or has failed, so a late frame neither
  /// reopens (and truncates) it nor repeats the error.
  std::map<int, std::unique_ptr<recording>> recordings_;
  std::unique_ptr<jpeg_codec> codec_;  ///< for the frames of another size
  std::vector<std::uint8_t> rescaled_jpeg_;
  cv::Mat rescaled_image_;
  std::atomic<std::uint64_t> rescaled_{0};
};

}  // namespace chatnode::video
