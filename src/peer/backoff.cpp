#include "chatnode/peer/backoff.hpp"

#include <algorithm>

namespace chatnode::peer {

std::chrono::milliseconds backoff::next() {
  // 2^5 s already passes the cap; stop doubling there so the shift cannot overflow.
  const auto doublings = std::min(attempts_, 5);
  ++attempts_;
  const auto nominal = std::min<std::chrono::milliseconds>(first * (1 << doublings), cap);
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  const auto jittered = std::chrono::milliseconds(static_cast<std::int64_t>(nominal.count() * jitter(random_)));
  return std::min(jittered, cap);
}

}  // namespace chatnode::peer
