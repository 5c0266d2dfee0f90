#include "chatnode/video/rendition_demand.hpp"

#include <algorithm>
#include <utility>

namespace chatnode::video {

rendition_demand::ticket::ticket(ticket&& other) noexcept
    : demand_(std::exchange(other.demand_, nullptr)), wanted_(other.wanted_) {}

rendition_demand::ticket& rendition_demand::ticket::operator=(ticket&& other) noexcept {
  if (this != &other) {
    release();
    demand_ = std::exchange(other.demand_, nullptr);
    wanted_ = other.wanted_;
  }
  return *this;
}

void rendition_demand::ticket::change(const rendition& r) {
  if (!demand_ || r == wanted_) return;
  demand_->add(r, 1);
  demand_->add(wanted_, -1);
  wanted_ = r;
}

void rendition_demand::ticket::release() {
  if (demand_) std::exchange(demand_, nullptr)->add(wanted_, -1);
}

rendition_demand::ticket rendition_demand::want(const rendition& r) {
  add(r, 1);
  return ticket(*this, r);
}

void rendition_demand::add(const rendition& r, int n) {
  std::lock_guard lock(mutex_);
  if ((counts_[r] += n) <= 0) counts_.erase(r);
}

std::vector<rendition> rendition_demand::wanted() const {
  std::vector<rendition> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [r, n] : counts_) out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const rendition& a, const rendition& b) { return relative_size(a) > relative_size(b); });
  return out;
}

}  // namespace chatnode::video
