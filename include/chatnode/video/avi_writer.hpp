// One MJPEG AVI file written through libavformat: each JPEG is stored as one
// packet exactly as given, so recording costs no decode and no re-encode.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct AVFormatContext;
struct AVPacket;

namespace chatnode::video {

class avi_writer {
 public:
  /// Creates (or truncates) `path` and writes the AVI header for frames of
  /// `width` x `height` at `fps` frames per second. nullptr with `error` set on failure.
  static std::unique_ptr<avi_writer> open(const std::string& path, int width, int height, double fps,
                                          std::string& error);
  /// Finishes the file if finish() was not called.
  ~avi_writer();
  avi_writer(const avi_writer&) = delete;
  avi_writer& operator=(const avi_writer&) = delete;

  /// Stores `jpeg` as the frame at `index` (in frame periods, increasing; a gap
  /// is filled by the muxer with empty chunks, which players show as "repeat the
  /// previous frame"). Returns the error, empty on success.
  [[nodiscard]] std::string write(std::span<const std::uint8_t> jpeg, std::int64_t index);
  /// Writes the index and closes the file. Returns the error, empty on success.
  [[nodiscard]] std::string finish();

 private:
  avi_writer() = default;

  AVFormatContext* format_ = nullptr;
  AVPacket* packet_ = nullptr;
  bool header_written_ = false;
  int period_num_ = 1, period_den_ = 1;  ///< one frame period in seconds, as a fraction
};

}  // namespace chatnode::video
