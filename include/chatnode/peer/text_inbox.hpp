// Texts the room hands one participant from any thread, taken on the
// participant's strand all at once. However many arrive, at most one handler
// waits on that strand to take them: a flood relayed from one peer cannot queue
// a handler per line ahead of another peer's own reads, acks and pongs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "chatnode/peer/outgoing_text.hpp"

namespace chatnode::peer {

class text_inbox {
 public:
  /// `budget`: bytes of text it holds at most between two takes.
  explicit text_inbox(std::size_t budget) : budget_(budget) {}

  /// Adds `t`, or drops it when over the budget (take() then says so). True
  /// when the caller must post a handler that calls take(): none is waiting.
  bool put(outgoing_text t);

  struct taken {
    std::vector<outgoing_text> texts;  ///< oldest first
    bool overflowed = false;           ///< texts were dropped: the participant is a slow consumer
  };
  /// Everything put since the last take; the next put() asks for a handler again.
  taken take();

  struct drained {
    std::uint64_t pushed = 0;  ///< texts `push` accepted
    bool overflowed = false;   ///< some were dropped here, or `push` refused one: a slow consumer
  };
  /// take(), then each text, oldest first, to `push(outgoing_text&&)` until it
  /// returns false (its own queue is full): what both kinds of session do.
  template <class Push>
  drained drain(Push push) {
    auto t = take();
    drained d{0, t.overflowed};
    for (auto& text : t.texts) {
      if (!push(std::move(text))) {
        d.overflowed = true;
        break;
      }
      ++d.pushed;
    }
    return d;
  }

 private:
  std::mutex mutex_;
  std::size_t budget_;
  std::size_t bytes_ = 0;
  taken pending_;
  bool take_posted_ = false;
};

}  // namespace chatnode::peer
