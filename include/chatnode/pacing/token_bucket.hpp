// A token bucket: `rate` tokens a second on average, at most `depth` saved
// up. Pure state with the time passed in, for the caller's strand or lock.
#pragma once

#include <algorithm>
#include <chrono>

namespace chatnode::pacing {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  /// Full at `now`.
  token_bucket(double rate, double depth, clock::time_point now)
      : rate_(rate), depth_(depth), tokens_(depth), last_(now) {}

  /// Takes a token if one is there at `now`.
  bool take(clock::time_point now) {
    tokens_ = level(now);
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }
  /// When a token will be there: `now` if one is.
  clock::time_point next_token(clock::time_point now) const {
    const double missing = 1 - level(now);
    if (missing <= 0) return now;
    return now + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(missing / rate_));
  }
  /// Saved up to its depth again: as if never used.
  bool full(clock::time_point now) const { return level(now) >= depth_; }

 private:
  double level(clock::time_point now) const {
    return std::min(depth_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  }

  double rate_, depth_, tokens_;
  clock::time_point last_;
};

}  // namespace chatnode::pacing
