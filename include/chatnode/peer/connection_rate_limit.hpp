// New connections per source: a token bucket each, so one source cannot flood
// the listener with handshakes while others still get in. A source is an IPv4
// address, or an IPv6 /64 (what one host or site is usually given whole, so
// its 2^64 addresses are one source).
// Pure state with the time passed in; the node calls it on its strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>

#include "chatnode/net.hpp"

namespace chatnode::peer {

/// The source `a` counts as: an IPv4 address (mapped into IPv6 or not) itself,
/// an IPv6 address its /64.
net::ip::address source_key(const net::ip::address& a);

class connection_rate_limit {
 public:
  using clock = std::chrono::steady_clock;
  /// Sources tracked at most; idle ones (bucket full again) are forgotten
  /// first. When all are busy (a flood from many sources), the sources not
  /// tracked share one bucket of their own.
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
  std::map<net::ip::address, bucket> buckets_;  ///< by source_key()
  bucket untracked_{0, clock::time_point{}};    ///< shared by the sources a full table cannot take
};

}  // namespace chatnode::peer
