// At most one line per interval about something a flood repeats (refused
// connections): the first of each interval is logged, the rest are not, so the
// flood cannot fill the terminal or the log in its place.
#pragma once

#include <chrono>

namespace chatnode {

class log_throttle {
 public:
  using clock = std::chrono::steady_clock;

  explicit log_throttle(clock::duration interval = std::chrono::seconds(1)) : interval_(interval) {}

  /// True when a line may be logged at `now`; the caller logs it then.
  bool allow(clock::time_point now) {
    if (logged_once_ && now - last_ < interval_) return false;
    logged_once_ = true;
    last_ = now;
    return true;
  }

 private:
  clock::duration interval_;
  clock::time_point last_{};
  bool logged_once_ = false;
};

}  // namespace chatnode
