// The chat's commands, in the one text that /help prints and that --help (and
// so the man page, made from --help) ends with.
#pragma once

#include <string_view>

namespace chatnode {

inline constexpr std::string_view command_help =
    "In the chat, type a line and press Enter to send it; a line that starts with '/' is\n"
    "sent by typing it with '//'. Commands:\n"
    "  /peers  who is connected\n"
    "  /stats  statistics per peer\n"
    "  /quit   say bye and leave\n"
    "  /help   this list\n";

}  // namespace chatnode
