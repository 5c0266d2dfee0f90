// The room as the terminal shows it: peers' lines, joins and leaves on
// standard output, the room's notices on standard error. The user's own lines
// are not echoed: they are on the terminal already.
#pragma once

#include "chatnode/peer/room_events.hpp"
#include "chatnode/term/console.hpp"

namespace chatnode::app {

class terminal_view final : public peer::room_subscriber {
 public:
  explicit terminal_view(term::console& console) : console_(console) {}

  void on_text(const protocol::text_message& m, const peer::participant* from) override;
  void on_joined(const peer::participant& p) override;
  void on_left(const peer::participant& p, const std::string& reason) override;
  void on_notice(const std::string& text) override;

 private:
  term::console& console_;  ///< thread-safe: each call queues one whole line or block
};

}  // namespace chatnode::app
