// libFuzzer target: the byte stream after the handshake (run by tools/fuzz.sh).
#include "stream_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chatnode::fuzz::check_frame_stream({data, size});
  return 0;
}
