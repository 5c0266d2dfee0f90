// How long a --connect node waits before each attempt to get a lost link back:
// exponential from 1 s to a 30 s cap, each delay jittered by up to a fifth
// either way so that many nodes that lost one listener do not return in step.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace chatnode::peer {

class backoff {
 public:
  static constexpr std::chrono::milliseconds first{1000};
  static constexpr std::chrono::milliseconds cap{30000};

  explicit backoff(std::uint64_t seed) : random_(seed) {}

  /// The delay before the next attempt; each call doubles the nominal delay, up to the cap.
  std::chrono::milliseconds next();
  /// The link is back: the next loss starts again from `first`.
  void reset() { attempts_ = 0; }
  /// Attempts since the last reset.
  int attempts() const { return attempts_; }

 private:
  std::mt19937_64 random_;
  int attempts_ = 0;
};

}  // namespace chatnode::peer
