// What a process has used, from /proc: for the benchmarks' CPU and memory columns.
#pragma once

#include <sys/types.h>

namespace bench {

/// User + system CPU seconds the process has used so far, all its threads.
double cpu_seconds(pid_t pid);
/// Its peak resident memory (VmHWM), KiB.
long peak_rss_kib(pid_t pid);

}  // namespace bench
