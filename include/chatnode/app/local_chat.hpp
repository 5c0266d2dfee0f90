// What the user says, typed or written on the page: a chat line goes to the
// room, a command (commands.hpp) is carried out, and the user is told when a
// line waits because nobody is there. Runs on the node's strand.
#pragma once

#include <functional>
#include <string>

#include "chatnode/peer/room.hpp"
#include "chatnode/term/console.hpp"
#include "chatnode/term/stdin_reader.hpp"

namespace chatnode::app {

class local_chat {
 public:
  struct hooks {
    std::function<void()> quit;                    ///< /quit
    std::function<void(const std::string&)> tell;  ///< a message for the user, terminal and page
    std::function<std::string()> source_line;      ///< what our video plays, for /stats; empty: none
  };

  local_chat(peer::room& room, term::console& console, std::string name, hooks h)
      : room_(room), console_(console), name_(std::move(name)), hooks_(std::move(h)) {}

  /// Reads standard input to its end, each line as typed(); returns how many lines there were.
  awaitable<std::uint64_t> read(term::stdin_reader& input);
  /// A line from standard input: a command or a chat line.
  void typed(std::string line);
  /// A message written on the page: always a chat line, shown on the terminal too.
  void written_on_page(std::string body);
  /// A peer joined: the next line that waits is said again.
  void peer_joined() { told_alone_ = false; }

 private:
  void send(std::string body);

  peer::room& room_;
  term::console& console_;
  const std::string name_;
  hooks hooks_;
  bool told_alone_ = false;  ///< told that lines wait, since the last peer joined
};

}  // namespace chatnode::app
