#include "chatnode/web/watchdog.hpp"

namespace chatnode::web {

bool watchdog::expired() const { return clock::now() >= deadline_; }

awaitable<void> watchdog::run() {
  while (!expired()) {
    timer_.expires_at(deadline_);
    const bool stop = co_await cancelled_after(timer_);
    if (stop) co_return;
  }
}

}  // namespace chatnode::web
