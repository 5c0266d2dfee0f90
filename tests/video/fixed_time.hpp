// The wall-clock time the video tests draw into the test pattern: fixed, so
// that two drawings of one frame number are the same picture.
#pragma once

#include <chrono>

namespace video_test {

inline const std::chrono::system_clock::time_point fixed_time{std::chrono::seconds(1'700'000'000)};

}  // namespace video_test
