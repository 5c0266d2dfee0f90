#include "chatnode/protocol/frame.hpp"

namespace chatnode::protocol {

const char* to_string(bye_reason r) {
  switch (r) {
    case bye_reason::normal:
      return "left";
    case bye_reason::protocol_error:
      return "protocol error";
    case bye_reason::version_mismatch:
      return "version mismatch";
    case bye_reason::slow_consumer:
      return "slow consumer";
    case bye_reason::shutting_down:
      return "shutting down";
    case bye_reason::room_full:
      return "room full";
    case bye_reason::timeout:
      return "timed out";
    case bye_reason::tls_required:
      return "TLS required";
    case bye_reason::not_trusted:
      return "not trusted";
  }
  return "unknown reason";
}

}  // namespace chatnode::protocol
