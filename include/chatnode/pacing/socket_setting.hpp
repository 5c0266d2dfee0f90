// A socket option set from a measured figure (the unsent limit, the pacing
// rate): changed only when the figure has moved far enough from the value set,
// since each change is a system call and a figure that wavers would make one
// at every write. Pure.
#pragma once

#include <cstdint>
#include <optional>

namespace chatnode::pacing {

class socket_setting {
 public:
  /// Moves within `part`/`whole` of the value set, either way, change nothing.
  socket_setting(std::uint64_t part, std::uint64_t whole) : part_(part), whole_(whole) {}

  /// The value to set now, when `want` should replace what was set; 0 is a value too (none).
  std::optional<std::uint64_t> change(std::uint64_t want) {
    const bool near =
        set_ != 0 && want != 0 && want * whole_ >= set_ * (whole_ - part_) && want * whole_ <= set_ * (whole_ + part_);
    if (want == set_ || near) return std::nullopt;
    set_ = want;
    return want;
  }

 private:
  std::uint64_t part_, whole_;
  std::uint64_t set_ = 0;  ///< 0: nothing set yet
};

}  // namespace chatnode::pacing
