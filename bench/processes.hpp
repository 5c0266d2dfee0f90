// The pipeline between two real chat_node processes on loopback: what a user
// runs. Rates and latency percentiles come from the receiver's /stats; CPU and
// peak memory of each process from /proc.
#pragma once

#include "in_process.hpp"
#include "results.hpp"

namespace bench {

pipeline_run run_processes(const run_spec& spec);

}  // namespace bench
