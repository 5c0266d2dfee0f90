#include "chatnode/pacing/link_meter.hpp"

#include <algorithm>

namespace chatnode::pacing {

void link_meter::observe(const tcp_reading& r, clock::time_point now) {
  if (!r.valid) return;
  last_ = r;
  last_at_ = now;
  acked_.push_back({now, r.bytes_acked});
  while (now - acked_.front().at > rate_window) acked_.pop_front();
}

double link_meter::rate(std::chrono::milliseconds window) const {
  const auto from =
      std::find_if(acked_.begin(), acked_.end(), [&](const acked_at& a) { return last_at_ - a.at <= window; });
  if (from == acked_.end() || last_at_ - from->at < window / 10) return 0;
  return static_cast<double>(acked_.back().bytes - from->bytes) /
         std::chrono::duration<double>(last_at_ - from->at).count();
}

std::chrono::microseconds link_meter::network_delay(double rate) const {
  using us = std::chrono::microseconds;
  const auto by_time = std::max(us{0}, us(last_.rtt_us) - us(last_.min_rtt_us) - us(delayed_ack));
  if (last_.in_flight_bytes == 0) return us{0};
  if (rate <= 0) return by_time;
  return std::min(by_time, us(static_cast<std::int64_t>(last_.in_flight_bytes / rate * 1e6)));
}

std::chrono::microseconds link_meter::unsent_delay(double rate) const {
  using us = std::chrono::microseconds;
  return rate > 0 ? us(static_cast<std::int64_t>(last_.unsent_bytes / rate * 1e6)) : us{0};
}

std::size_t link_meter::unsent_limit(double rate) {
  // Before the first measurement: small enough for a slow link, harmless on a fast one.
  if (rate <= 0) return std::size_t{8} * 1024;
  return std::clamp<std::size_t>(static_cast<std::size_t>(rate * 0.010), std::size_t{4} * 1024,
                                 std::size_t{128} * 1024);
}

std::optional<std::size_t> link_meter::unsent_limit_change(double rate) {
  const auto change = unsent_limit_set_.change(unsent_limit(rate));
  if (!change) return std::nullopt;
  return static_cast<std::size_t>(*change);
}

}  // namespace chatnode::pacing
