#include "chatnode/pacing/one_way_delay.hpp"

#include <algorithm>

namespace chatnode::pacing {

void one_way_delay::observe(std::int64_t forward_us, std::int64_t rtt_us, clock::time_point now) {
  if (filled_ == 0 || now - least_[newest_].since >= bucket) {
    newest_ = filled_ == 0 ? 0 : (newest_ + 1) % buckets;
    least_[newest_] = {now, forward_us, rtt_us};
    filled_ = std::min(filled_ + 1, buckets);
  } else {
    auto& b = least_[newest_];
    b.forward = std::min(b.forward, forward_us);
    b.rtt = std::min(b.rtt, rtt_us);
  }
  last_at_ = now;
  last_forward_ = forward_us;
  last_rtt_ = rtt_us;
}

std::optional<std::chrono::microseconds> one_way_delay::queueing(clock::time_point now) const {
  if (filled_ == 0 || now - last_at_ > fresh_for) return std::nullopt;
  std::int64_t base = least_[0].forward, base_rtt = least_[0].rtt;
  for (std::size_t i = 1; i < filled_; ++i) {
    base = std::min(base, least_[i].forward);
    base_rtt = std::min(base_rtt, least_[i].rtt);
  }
  const auto q = std::clamp<std::int64_t>(last_forward_ - base, 0, std::max<std::int64_t>(0, last_rtt_ - base_rtt));
  return std::chrono::microseconds(q);
}

}  // namespace chatnode::pacing
