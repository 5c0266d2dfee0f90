// libFuzzer target: a cluster message's headers and body, as another node could send them (run by tools/fuzz.sh).
#include "stream_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chatnode::fuzz::check_cluster_records({data, size});
  return 0;
}
