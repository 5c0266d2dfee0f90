// Which machine a benchmark ran on, for its report: figures mean little without it.
#pragma once

#include <string>

namespace bench {

/// "Intel(R) Xeon(R) Processor @ 2.80GHz, 2 cores": the CPU model from /proc/cpuinfo and the cores.
std::string machine();

}  // namespace bench
