// The room's latest lines in the order's numbering (peer/text_order.hpp),
// kept so that a peer coming back, to this node or from another of the room,
// is sent what came after where it was. Bounded in lines and bytes: past
// them the oldest go, and what is no longer kept is said.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "chatnode/peer/outgoing_text.hpp"

namespace chatnode::peer {

class ordered_history {
 public:
  static constexpr std::size_t max_texts = 5000;
  static constexpr std::size_t max_bytes = 4u << 20;
  /// What a peer new to the room (its place 0) is given.
  static constexpr std::size_t for_newcomers = 50;

  /// The next line in order, said by `author`.
  void add(std::uint64_t author, const outgoing_text& t);
  /// What came after place `after`, but `author`'s own lines, oldest first;
  /// for `after` 0, the latest for_newcomers only.
  std::vector<outgoing_text> after(std::uint64_t after, std::uint64_t author) const;
  /// The place of the last line no longer kept (0: none dropped yet).
  std::uint64_t dropped_to() const { return dropped_to_; }

 private:
  std::deque<std::pair<std::uint64_t, outgoing_text>> lines_;
  std::size_t bytes_ = 0;
  std::uint64_t dropped_to_ = 0;
};

}  // namespace chatnode::peer
