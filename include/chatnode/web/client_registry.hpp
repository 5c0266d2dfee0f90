// Every open connection of the web server, so publish() can reach the pages
// and stop() can end them all. Like Beast's chat shared_state it holds
// weak_ptrs and a mutex: publish() and stop() come from any thread (capture,
// stats timer, node), while clients join and leave on their own strands.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "chatnode/web/client.hpp"

namespace chatnode::web {

class client_registry {
 public:
  /// False once stop_all() has run: the caller must end the connection itself.
  [[nodiscard]] bool add(const std::shared_ptr<client>& c);
  void remove(const client* c);
  /// Calls `f` on every live client, outside the lock (clients may leave meanwhile).
  void for_each(const std::function<void(client&)>& f);
  /// Stops every client now and every one that tries to join later.
  void stop_all();
  std::size_t size() const;
  /// Whether some client shows `peer`'s video.
  bool any_shows(int peer) const;

 private:
  std::vector<std::shared_ptr<client>> snapshot();

  mutable std::mutex mutex_;
  std::unordered_map<const client*, std::weak_ptr<client>> clients_;
  bool stopped_ = false;
};

/// Removes a client from the registry when its run() coroutine ends, however it ends.
class registration {
 public:
  registration(client_registry& r, const client* c) : registry_(r), client_(c) {}
  ~registration() { registry_.remove(client_); }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;

 private:
  client_registry& registry_;
  const client* client_;
};

}  // namespace chatnode::web
