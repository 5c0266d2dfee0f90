#include "chatnode/peer/text_inbox.hpp"

namespace chatnode::peer {

bool text_inbox::put(outgoing_text t) {
  const std::size_t size = t.frame ? t.frame->size() : 0;
  std::lock_guard lock(mutex_);
  if (bytes_ + size > budget_) {
    pending_.overflowed = true;
  } else {
    bytes_ += size;
    pending_.texts.push_back(std::move(t));
  }
  if (take_posted_) return false;
  take_posted_ = true;
  return true;
}

text_inbox::taken text_inbox::take() {
  std::lock_guard lock(mutex_);
  taken out = std::move(pending_);
  pending_ = {};
  bytes_ = 0;
  take_posted_ = false;
  return out;
}

}  // namespace chatnode::peer
