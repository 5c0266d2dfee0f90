// libFuzzer target: the first bytes of a connection, preamble and hello (run by tools/fuzz.sh).
#include "stream_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chatnode::fuzz::check_handshake({data, size});
  return 0;
}
