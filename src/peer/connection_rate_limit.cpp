#include "chatnode/peer/connection_rate_limit.hpp"

#include <algorithm>

namespace chatnode::peer {

double connection_rate_limit::refilled(const bucket& b, clock::time_point now) const {
  const std::chrono::duration<double> idle = now - b.last;
  return std::min(burst_, b.tokens + idle.count() * rate_);
}

bool connection_rate_limit::admit(const net::ip::address& from, clock::time_point now) {
  if (buckets_.size() >= max_addresses && !buckets_.contains(from))
    std::erase_if(buckets_, [&](const auto& e) { return refilled(e.second, now) >= burst_; });
  // Still full of busy addresses: a flood from many sources; let the handshake deadline deal with it.
  if (buckets_.size() >= max_addresses && !buckets_.contains(from)) return true;
  auto [it, fresh] = buckets_.try_emplace(from, bucket{burst_, now});
  auto& b = it->second;
  b.tokens = refilled(b, now);
  b.last = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace chatnode::peer
