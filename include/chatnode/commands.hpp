// What a line typed in the chat means: one of the commands, text to say, or
// nothing; and the one text that /help prints and that --help (and so the
// man page, made from --help) ends with. Pure: the node acts on the result.
#pragma once

#include <string>
#include <string_view>

namespace chatnode {

inline constexpr std::string_view command_help =
    "In the chat, type a line and press Enter to send it; a line that starts with '/' is\n"
    "sent by typing it with '//'. Commands:\n"
    "  /peers  who is connected\n"
    "  /stats  statistics per peer\n"
    "  /quit   say bye and leave\n"
    "  /help   this list\n";

struct typed_line {
  enum class action {
    say,      ///< send `text`
    nothing,  ///< an empty line
    peers,
    stats,
    quit,
    help,
    unknown,  ///< `text` is the command not known
  };
  action what = action::nothing;
  std::string text;
};

/// "/quit" is a command, "//quit" the text "/quit", "" nothing.
typed_line parse_typed_line(std::string line);

}  // namespace chatnode
