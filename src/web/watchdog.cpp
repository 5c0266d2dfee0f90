#include "chatnode/web/watchdog.hpp"

namespace chatnode::web {

bool watchdog::expired() const { return clock::now() >= deadline_; }

awaitable<void> watchdog::run() {
  while (!expired()) {
    timer_.expires_at(deadline_);
    co_await timer_.async_wait(use_nothrow);
    const bool stop = co_await cancelled();
    if (stop) co_return;
  }
}

}  // namespace chatnode::web
