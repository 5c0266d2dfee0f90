#include "chatnode/peer/ordered_history.hpp"

namespace chatnode::peer {

void ordered_history::add(std::uint64_t author, const outgoing_text& t) {
  bytes_ += t.frame->size();
  lines_.emplace_back(author, t);
  while (lines_.size() > max_texts || bytes_ > max_bytes) {
    bytes_ -= lines_.front().second.frame->size();
    dropped_to_ = lines_.front().second.seq;
    lines_.pop_front();
  }
}

std::vector<outgoing_text> ordered_history::after(std::uint64_t after, std::uint64_t author) const {
  auto from = lines_.begin();
  if (after == 0 && lines_.size() > for_newcomers) from = lines_.end() - for_newcomers;
  std::vector<outgoing_text> out;
  for (auto it = from; it != lines_.end(); ++it)
    if (it->second.seq > after && it->first != author) out.push_back(it->second);
  return out;
}

}  // namespace chatnode::peer
