#include "chatnode/peer/connection_rate_limit.hpp"

#include <algorithm>

#include "chatnode/endpoint.hpp"

namespace chatnode::peer {

net::ip::address source_key(const net::ip::address& a) {
  auto u = unmapped(a);
  if (u.is_v4()) return u;
  auto bytes = u.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return net::ip::address_v6(bytes);
}

double connection_rate_limit::refilled(const bucket& b, clock::time_point now) const {
  const std::chrono::duration<double> idle = now - b.last;
  return std::min(burst_, b.tokens + idle.count() * rate_);
}

bool connection_rate_limit::admit(const net::ip::address& from, clock::time_point now) {
  const auto key = source_key(from);
  if (buckets_.size() >= max_addresses && !buckets_.contains(key))
    std::erase_if(buckets_, [&](const auto& e) { return refilled(e.second, now) >= burst_; });
  const bool untracked = buckets_.size() >= max_addresses && !buckets_.contains(key);
  auto& b = untracked ? untracked_ : buckets_.try_emplace(key, bucket{burst_, now}).first->second;
  b.tokens = refilled(b, now);
  b.last = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace chatnode::peer
