// New connections per source address: a token bucket each, so one address
// cannot flood the listener with handshakes while others still get in.
// Pure state with the time passed in; the node calls it on its strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>

#include "chatnode/net.hpp"

namespace chatnode::peer {

class connection_rate_limit {
 public:
  using clock = std::chrono::steady_clock;
  /// Addresses tracked at most; idle ones (bucket full again) are forgotten first.
  static constexpr std::size_t max_addresses = 4096;

  /// `per_second` new connections per address on average, `burst` at once.
  connection_rate_limit(double per_second, double burst) : rate_(per_second), burst_(burst) {}

  /// Whether a connection from `from` may go on now; takes a token when it may.
  bool admit(const net::ip::address& from, clock::time_point now);
  std::size_t tracked() const { return buckets_.size(); }
  double per_second() const { return rate_; }

 private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };
  double refilled(const bucket& b, clock::time_point now) const;

  double rate_, burst_;
  std::map<net::ip::address, bucket> buckets_;
};

}  // namespace chatnode::peer
