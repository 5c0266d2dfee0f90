#include "chatnode/commands.hpp"

namespace chatnode {

typed_line parse_typed_line(std::string line) {
  using action = typed_line::action;
  if (line.starts_with("//"))
    line.erase(0, 1);
  else if (line.starts_with("/")) {
    if (line == "/quit") return {action::quit, {}};
    if (line == "/help") return {action::help, {}};
    if (line == "/stats") return {action::stats, {}};
    if (line == "/peers") return {action::peers, {}};
    return {action::unknown, std::move(line)};
  }
  if (line.empty()) return {action::nothing, {}};
  return {action::say, std::move(line)};
}

}  // namespace chatnode
