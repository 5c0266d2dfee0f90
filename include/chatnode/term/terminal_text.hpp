// Text from the network made safe for a terminal: ours, or an nc user's.
#pragma once

#include <string>
#include <string_view>

namespace chatnode::term {

/// Replaces control characters (C0, DEL, C1) with caret notation, so text from
/// the network can never move the cursor, retitle the terminal or hide itself.
/// Tabs and newlines are kept: a message may have several lines.
std::string sanitize_for_terminal(std::string_view s);

/// As sanitize_for_terminal, and tabs and newlines in caret notation too (^I,
/// ^J): for what must stay on one line, such as a name or an event.
std::string sanitize_line(std::string_view s);

/// `head` then the sanitized `body`, whose later lines are indented by the
/// width of `head`, then a newline: each message is one block that starts a
/// line, so no text inside it can pass for a line of its own.
std::string message_block(std::string_view head, std::string_view body);

/// "1 message", "3 messages": a count for a sentence.
std::string count_of(std::size_t n, std::string_view noun);

}  // namespace chatnode::term
