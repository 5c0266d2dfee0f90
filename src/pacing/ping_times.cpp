#include "chatnode/pacing/ping_times.hpp"

#include <algorithm>

namespace chatnode::pacing {

std::optional<ping_times::answer> ping_times::answered(const protocol::pong& p, std::uint64_t t4_us,
                                                       clock::time_point now) {
  constexpr std::uint64_t day_us = 86'400'000'000ull;
  const auto near = [&](std::uint64_t t) { return (t >= p.t1_us ? t - p.t1_us : p.t1_us - t) <= day_us; };
  const auto ping = std::find(unanswered_.begin(), unanswered_.end(), p.t1_us);
  if (p.t1_us == 0 || ping == unanswered_.end()) return std::nullopt;
  *ping = 0;
  if (t4_us < p.t1_us || !near(t4_us) || !near(p.t2_us) || !near(p.t3_us) || p.t3_us < p.t2_us) return std::nullopt;
  const auto t1 = static_cast<std::int64_t>(p.t1_us), t2 = static_cast<std::int64_t>(p.t2_us),
             t3 = static_cast<std::int64_t>(p.t3_us), t4 = static_cast<std::int64_t>(t4_us);
  answer a;
  a.one_way_us = t2 - t1;
  a.rtt_us = std::max<std::int64_t>(0, (t4 - t1) - (t3 - t2));
  if (best_rtt_us_ < 0 || a.rtt_us <= best_rtt_us_ || now - best_rtt_at_ >= offset_sample_life) {
    best_rtt_us_ = a.rtt_us;
    best_rtt_at_ = now;
    a.clock_offset_us = ((t2 - t1) + (t3 - t4)) / 2;
  }
  return a;
}

}  // namespace chatnode::pacing
