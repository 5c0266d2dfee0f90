// The hand-off of video frames from any thread to one web client's strand:
// one slot per peer, a newer frame replaces an untaken one, so a stalled
// strand holds at most one frame per peer instead of a queue of posts.
// The lock is held only to swap pointers.
#pragma once

#include <map>
#include <mutex>
#include <utility>

#include "chatnode/video/encoded_frame.hpp"

namespace chatnode::web {

class frame_mailbox {
 public:
  /// True when the mailbox was empty: the caller posts one take() to the strand.
  bool put(int peer, video::frame_ptr f) {
    std::lock_guard lock(mutex_);
    const bool was_empty = slots_.empty();
    slots_[peer] = std::move(f);
    return was_empty;
  }
  /// Everything waiting, by peer; the mailbox is empty afterwards.
  std::map<int, video::frame_ptr> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(slots_, {});
  }

 private:
  std::mutex mutex_;
  std::map<int, video::frame_ptr> slots_;
};

}  // namespace chatnode::web
