#include "chatnode/web/connection_slots.hpp"

#include "chatnode/endpoint.hpp"

namespace chatnode::web {

connection_slots::slot connection_slots::take(const net::ip::address& address) {
  const auto from = unmapped(address);
  {
    std::lock_guard lock(mutex_);
    if (open_ >= total_) return nullptr;
    if (!from.is_loopback()) {
      auto& n = by_address_[from];
      if (n >= per_address_) return nullptr;
      ++n;
    }
    ++open_;
  }
  // The deleter keeps the counts alive for as long as a slot is out.
  return slot(static_cast<void*>(this), [self = shared_from_this(), from](void*) { self->release(from); });
}

void connection_slots::release(const net::ip::address& from) {
  std::lock_guard lock(mutex_);
  --open_;
  if (from.is_loopback()) return;
  if (const auto it = by_address_.find(from); it != by_address_.end() && --it->second == 0) by_address_.erase(it);
}

std::size_t connection_slots::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace chatnode::web
