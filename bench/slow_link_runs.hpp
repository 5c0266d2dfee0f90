// The measurements of bench/slow_link, each on a link of its own: one link
// rate (an idle round trip, then both nodes sending video while bob types),
// and the step change 10 -> 2 -> 10 Mbit/s. Each throws when the nodes do not connect.
#pragma once

#include "slow_link_results.hpp"

namespace bench::slow_link {

rate_result measure_rate(const setup& s, double rate_mbps);
step_result measure_step(const setup& s);

}  // namespace bench::slow_link
