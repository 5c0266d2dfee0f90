#include "chatnode/web/watchdog.hpp"

namespace chatnode::web {

awaitable<bool> cancelled() {
  co_return (co_await net::this_coro::cancellation_state).cancelled() != net::cancellation_type::none;
}

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
