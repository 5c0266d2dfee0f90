#include "chatnode/web/client_registry.hpp"

namespace chatnode::web {

bool client_registry::add(const std::shared_ptr<client>& c) {
  std::lock_guard lock(mutex_);
  if (stopped_) return false;
  clients_[c.get()] = c;
  return true;
}

void client_registry::remove(const client* c) {
  std::lock_guard lock(mutex_);
  clients_.erase(c);
}

std::vector<std::shared_ptr<client>> client_registry::snapshot() {
  std::vector<std::shared_ptr<client>> out;
  std::lock_guard lock(mutex_);
  out.reserve(clients_.size());
  for (const auto& [ptr, weak] : clients_)
    if (auto c = weak.lock()) out.push_back(std::move(c));
  return out;
}

void client_registry::for_each(const std::function<void(client&)>& f) {
  // The snapshot's shared_ptrs may be the last ones: they are released here,
  // after the lock, because a client's destructor may take it again.
  for (const auto& c : snapshot()) f(*c);
}

void client_registry::stop_all() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  for_each([](client& c) { c.stop(); });
}

bool client_registry::any_shows(int peer) const {
  std::lock_guard lock(mutex_);
  for (const auto& [ptr, weak] : clients_)
    if (auto c = weak.lock(); c && c->shows(peer)) return true;
  return false;
}

std::size_t client_registry::size() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

}  // namespace chatnode::web
