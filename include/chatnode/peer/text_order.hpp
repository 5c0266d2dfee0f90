// Who puts the room's text in order when the room does not: a cluster's
// stream (cluster/bridge.hpp), so that every node of the room shows the same
// lines in the same order. The room hands it each new line said here, shows
// none until it comes back through room::ordered(), and numbers what it sends
// its peers as the order does: the same numbers on every node of the room.
#pragma once

#include <cstdint>

#include "chatnode/protocol/messages.hpp"

namespace chatnode::peer {

/// A line in its place in the order.
struct ordered_text {
  std::uint64_t author = 0;      ///< the node id whose numbering author_seq is
  std::uint64_t author_seq = 0;  ///< the line's number in its author's numbering
  protocol::text_message m;      ///< m.seq: its place in the order
};

class text_order {
 public:
  virtual ~text_order() = default;
  /// Any thread: a new line said here by `author` (the local user's node id,
  /// a peer's, or a teaching program's as the room names it), numbered m.seq by
  /// it. False when the order cannot take it now (its bound is full).
  virtual bool submit(std::uint64_t author, const protocol::text_message& m) = 0;
};

}  // namespace chatnode::peer
