// A listener's first step with a new connection: read until its first bytes
// say which protocol the peer speaks (protocol/sniff.hpp), within the handshake
// deadline, so a client that sends nothing cannot hold a slot.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chatnode/net.hpp"
#include "chatnode/protocol/sniff.hpp"

namespace chatnode::peer {

struct detected_protocol {
  std::optional<protocol::wire_protocol> protocol;  ///< empty when refused, silent or closed
  std::string failure;                              ///< why, when `protocol` is empty
  std::vector<std::uint8_t> bytes;                  ///< everything read: the start of the peer's stream
};

/// Runs on the socket's strand; reads nothing more once the bytes decide.
awaitable<detected_protocol> detect_protocol(tcp::socket& socket, std::chrono::milliseconds deadline);

}  // namespace chatnode::peer
