#include "chatnode/stats/latency_window.hpp"

#include <algorithm>
#include <cmath>

namespace chatnode::stats {

void latency_window::add(std::int64_t us) {
  std::lock_guard lock(mutex_);
  samples_[next_] = us;
  next_ = (next_ + 1) % capacity;
  count_ = std::min(count_ + 1, capacity);
}

std::int64_t latency_window::percentile(double p) const {
  std::vector<std::int64_t> v;
  {
    std::lock_guard lock(mutex_);
    v.assign(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(count_));
  }
  if (v.empty()) return -1;
  // Nearest rank: the smallest sample with at least p% of the samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  const auto k = std::clamp<std::size_t>(rank, 1, v.size()) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

std::size_t latency_window::size() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace chatnode::stats
