// One text said in the room, prepared once for every kind of peer it goes to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "chatnode/protocol/messages.hpp"

namespace chatnode::peer {

struct outgoing_text {
  std::uint64_t seq = 0;
  std::shared_ptr<const protocol::bytes> frame;  ///< the chat_node text frame
  std::shared_ptr<const std::string> line;       ///< "origin: body\n", for plain-text peers
};

}  // namespace chatnode::peer
