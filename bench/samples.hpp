// A set of measurements and its order statistics.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace bench {

class samples {
 public:
  void add(double v) { v_.push_back(v); }
  std::size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  /// Nearest-rank percentile, p in 0..100; NaN when empty.
  double pct(double p) const {
    if (v_.empty()) return NAN;
    auto v = v_;
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    const auto k = std::clamp<std::size_t>(rank, 1, v.size()) - 1;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  }
  double median() const { return pct(50); }
  double max() const { return v_.empty() ? NAN : *std::max_element(v_.begin(), v_.end()); }
  const std::vector<double>& values() const { return v_; }

 private:
  std::vector<double> v_;
};

}  // namespace bench
