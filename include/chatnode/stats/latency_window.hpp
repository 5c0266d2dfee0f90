// The most recent latency samples of one stream, for percentiles. Written by
// the decode thread, read by the status line and /stats: a mutex, since a
// percentile needs a consistent copy of the window.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

namespace chatnode::stats {

class latency_window {
 public:
  static constexpr std::size_t capacity = 512;

  void add(std::int64_t us);
  /// The p-th percentile (0..100) of the samples in the window, or -1 when empty.
  std::int64_t percentile(double p) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::array<std::int64_t, capacity> samples_{};
  std::size_t next_ = 0;
  std::size_t count_ = 0;
};

}  // namespace chatnode::stats
