#include "chatnode/pacing/frame_gate.hpp"

namespace chatnode::pacing {

bool frame_gate::open(int fd) {
  meter_.observe(read_tcp(fd), link_meter::clock::now());
  const double rate = meter_.rate();
  if (const auto limit = meter_.unsent_limit_change(rate)) limit_unsent(fd, *limit);
  return meter_.queue_delay(rate) <= budget_;
}

}  // namespace chatnode::pacing
