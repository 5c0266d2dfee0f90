#include "chatnode/term/terminal_text.hpp"

namespace chatnode::term {
namespace {

std::string sanitize(std::string_view s, bool keep_layout) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool layout = keep_layout && (c == '\t' || c == '\n');
    if (c < 0x20 && !layout) {
      out.push_back('^');
      out.push_back(static_cast<char>(c + 0x40));
    } else if (c == 0x7F) {
      out.append("^?");
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      // C1 control in UTF-8 (U+0080..U+009F), e.g. U+009B, a one-character CSI.
      out.append("^[");
      out.push_back(static_cast<char>(static_cast<unsigned char>(s[i + 1]) - 0x40));
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

std::string sanitize_for_terminal(std::string_view s) { return sanitize(s, true); }

std::string sanitize_line(std::string_view s) { return sanitize(s, false); }

std::string message_block(std::string_view head, std::string_view body) {
  std::string out(head);
  const std::string indent(head.size(), ' ');
  for (char c : sanitize_for_terminal(body)) {
    out.push_back(c);
    if (c == '\n') out.append(indent);
  }
  out.push_back('\n');
  return out;
}

std::string count_of(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

}  // namespace chatnode::term
