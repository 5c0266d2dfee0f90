// --save-frames: every received JPEG written unchanged to
// <dir>/peer<N>-<seq>.jpg, named from the local peer number and the frame's
// sequence number only (peer-supplied text never reaches the file system).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "chatnode/video/decoded_frame.hpp"

namespace chatnode::video {

class frame_saver final : public frame_sink {
 public:
  using error_handler = std::function<void(std::string)>;

  /// Creates `dir` if needed. The first failure (here or on a write) goes to
  /// `on_error`, once, and saving stops: a full or read-only disk would
  /// otherwise repeat the same error for every frame.
  explicit frame_saver(std::filesystem::path dir, error_handler on_error = {});

  void consume(const decoded_frame& f) override;
  /// Nothing is held per peer.
  void peer_closed(int) override {}

  std::uint64_t saved_frames() const { return saved_.load(std::memory_order_relaxed); }

 private:
  void fail(const std::string& why);

  std::filesystem::path dir_;
  error_handler on_error_;
  bool failed_ = false;  ///< decode thread only
  std::atomic<std::uint64_t> saved_{0};
};

}  // namespace chatnode::video
