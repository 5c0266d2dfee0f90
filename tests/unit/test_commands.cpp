// parse_typed_line: what a line typed in the chat means.
#include <catch2/catch.hpp>

#include "chatnode/commands.hpp"

namespace commands_test {

using chatnode::parse_typed_line;
using action = chatnode::typed_line::action;

}  // namespace commands_test

using namespace commands_test;

TEST_CASE("each command is known by its exact line", "[commands]") {
  CHECK(parse_typed_line("/quit").what == action::quit);
  CHECK(parse_typed_line("/help").what == action::help);
  CHECK(parse_typed_line("/stats").what == action::stats);
  CHECK(parse_typed_line("/peers").what == action::peers);
  // Not a prefix, not another case, not with anything after it.
  for (const char* line : {"/qui", "/quit now", "/QUIT", "/ quit", "/"}) {
    INFO(line);
    const auto t = parse_typed_line(line);
    CHECK(t.what == action::unknown);
    CHECK(t.text == line);
  }
}

TEST_CASE("a line that starts with // is said with one slash less; other lines are said as typed", "[commands]") {
  auto t = parse_typed_line("//quit");
  CHECK(t.what == action::say);
  CHECK(t.text == "/quit");
  t = parse_typed_line("hello /quit");
  CHECK(t.what == action::say);
  CHECK(t.text == "hello /quit");
  t = parse_typed_line("///");
  CHECK(t.what == action::say);
  CHECK(t.text == "//");
}

TEST_CASE("an empty line says nothing; // alone says a slash", "[commands]") {
  CHECK(parse_typed_line("").what == action::nothing);
  const auto slash = parse_typed_line("//");
  CHECK(slash.what == action::say);
  CHECK(slash.text == "/");
  CHECK(parse_typed_line(" ").what == action::say);  // a space is something to say
}
