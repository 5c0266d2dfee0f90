// How many web connections may be open at once: in all, and from one address
// other than loopback. Each connection holds a slot from accept to close, and
// its handover to a WebSocket or a video stream carries the slot along, so an
// idle connection counts as much as a busy one. Thread-safe: slots are let go
// on every session's strand.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

#include "chatnode/net.hpp"

namespace chatnode::web {

class connection_slots : public std::enable_shared_from_this<connection_slots> {
 public:
  /// Held by a connection; the slot is free again when the last holder lets go.
  using slot = std::shared_ptr<void>;

  connection_slots(std::size_t total, std::size_t per_address) : total_(total), per_address_(per_address) {}

  /// A slot for a connection from `from`, or null when that would pass a
  /// limit. Loopback is held only to the total: its clients are this
  /// machine's, as many as its user runs.
  slot take(const net::ip::address& from);
  std::size_t open() const;
  std::size_t total() const { return total_; }

 private:
  void release(const net::ip::address& from);

  const std::size_t total_, per_address_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::map<net::ip::address, std::size_t> by_address_;  ///< open connections per address but loopback
};

}  // namespace chatnode::web
