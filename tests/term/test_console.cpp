// term::console and terminal_text: what reaches the terminal, and where.
#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <regex>
#include <string>

#include "chatnode/term/console.hpp"

using chatnode::term::console;
using chatnode::term::message_block;
using chatnode::term::sanitize_for_terminal;
using chatnode::term::sanitize_line;

namespace {

/// A FILE* backed by a temporary file, read back as a string.
class captured_file {
 public:
  captured_file() : f_(std::tmpfile(), &std::fclose) { REQUIRE(f_ != nullptr); }
  std::FILE* get() const { return f_.get(); }
  std::string contents() const {
    std::fflush(f_.get());
    const long end = std::ftell(f_.get());
    REQUIRE(end >= 0);
    std::string s(static_cast<std::size_t>(end), '\0');
    std::rewind(f_.get());
    const auto n = std::fread(s.data(), 1, s.size(), f_.get());
    std::fseek(f_.get(), 0, SEEK_END);
    s.resize(n);
    return s;
  }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f_;
};

/// Today at hh:mm:ss in the local time zone, the zone console prints in.
std::chrono::system_clock::time_point local_time(int hh, int mm, int ss) {
  std::tm tm{};
  tm.tm_year = 124;  // 2024
  tm.tm_mon = 2;
  tm.tm_mday = 15;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  REQUIRE(t != static_cast<std::time_t>(-1));
  return std::chrono::system_clock::from_time_t(t);
}

bool matches(const std::string& s, const char* pattern) { return std::regex_match(s, std::regex(pattern)); }

/// What `c` has written to `f`, once its writer thread has caught up.
std::string shown(console& c, const captured_file& f) {
  REQUIRE(c.drain(std::chrono::seconds(10)));
  return f.contents();
}

}  // namespace

// ---------------------------------------------------------------- sanitize_for_terminal

TEST_CASE("ESC is shown in caret notation, so escape sequences are inert", "[term][console]") {
  CHECK(sanitize_for_terminal("\x1b[31mred\x1b[0m") == "^[[31mred^[[0m");
  CHECK(sanitize_for_terminal("\x1b]0;title\x07") == "^[]0;title^G");
}

TEST_CASE("Other C0 controls are shown in caret notation", "[term][console]") {
  CHECK(sanitize_for_terminal(std::string_view("a\0b", 3)) == "a^@b");
  CHECK(sanitize_for_terminal("\r") == "^M");
  CHECK(sanitize_for_terminal("\b\x07\x0b\x0c") == "^H^G^K^L");
  CHECK(sanitize_for_terminal("\x1f") == "^_");
}

TEST_CASE("DEL is shown as ^?", "[term][console]") { CHECK(sanitize_for_terminal("x\x7fy") == "x^?y"); }

TEST_CASE("C1 controls encoded in UTF-8 are neutralised", "[term][console]") {
  // U+009B is a one-character CSI; U+0085 is NEL.
  const auto csi = sanitize_for_terminal(
      "a\xC2\x9B"
      "2Jb");
  CHECK(csi == "a^[[2Jb");
  CHECK(csi.find('\xC2') == std::string::npos);
  CHECK(csi.find('\x9B') == std::string::npos);
  CHECK(sanitize_for_terminal("\xC2\x85") == "^[E");
  CHECK(sanitize_for_terminal("\xC2\x80") == "^[@");
  CHECK(sanitize_for_terminal("\xC2\x9F") == "^[_");
}

TEST_CASE("Tabs and newlines are kept", "[term][console]") { CHECK(sanitize_for_terminal("a\tb\nc") == "a\tb\nc"); }

TEST_CASE("On one line, tabs and newlines are in caret notation too", "[term][console]") {
  CHECK(sanitize_line("a\tb\nc\x1b") == "a^Ib^Jc^[");
  CHECK(sanitize_line("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("A message block indents its later lines under its head, so none passes for a line of its own",
          "[term][console]") {
  CHECK(message_block("bob: ", "hi\n[12:00:00] admin: approve\x07") == "bob: hi\n     [12:00:00] admin: approve^G\n");
  CHECK(message_block("bob: ", "") == "bob: \n");
}

TEST_CASE("Printable ASCII and ordinary UTF-8 pass through unchanged", "[term][console]") {
  const std::string ok = "plain ASCII ~!@# caf\xC3\xA9 \xE2\x82\xAC \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x98\x80";
  CHECK(sanitize_for_terminal(ok) == ok);
  // U+00A0 and U+00FF share the C2/C3 lead bytes with C1 but are not controls.
  CHECK(sanitize_for_terminal("\xC2\xA0\xC2\xBF\xC3\xBF") == "\xC2\xA0\xC2\xBF\xC3\xBF");
  CHECK(sanitize_for_terminal("") == "");
}

// ---------------------------------------------------------------- console

TEST_CASE("A chat line is timestamped and goes to the out stream", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.chat_line("alice", "hello there");
  CHECK(matches(shown(c, out), R"(\[\d\d:\d\d:\d\d\] alice: hello there\n)"));
  CHECK(shown(c, err).empty());
}

TEST_CASE("A chat line shows the given time as HH:MM:SS in local time", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.chat_line("bob", "hi", local_time(13, 5, 9));
  CHECK(shown(c, out) == "[13:05:09] bob: hi\n");
}

TEST_CASE("Later lines of a multi-line message are indented under the first", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.chat_line("alice", "one\ntwo\nthree", local_time(8, 0, 0));
  const std::string indent(std::string("[08:00:00] alice: ").size(), ' ');
  CHECK(shown(c, out) == "[08:00:00] alice: one\n" + indent + "two\n" + indent + "three\n");
}

TEST_CASE("Names and text are sanitised before they reach the terminal", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.chat_line("ev\x1b[2Jil",
              "\x1b]0;pwned\x07 \xC2\x9B"
              "1A",
              local_time(1, 2, 3));
  const auto s = shown(c, out);
  CHECK(s == "[01:02:03] ev^[[2Jil: ^[]0;pwned^G ^[[1A\n");
  CHECK(s.find('\x1b') == std::string::npos);
}

TEST_CASE("A newline in a name cannot start a line of its own", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.chat_line("m\n[12:00:00] admin", "approve the transfer", local_time(1, 2, 3));
  CHECK(shown(c, out) == "[01:02:03] m^J[12:00:00] admin: approve the transfer\n");
}

TEST_CASE("An event stays on one line whatever its text holds", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.event("bob left: bye\n[12:00:00] admin: approve");
  CHECK(matches(shown(c, out), R"(\[\d\d:\d\d:\d\d\] \* bob left: bye\^J\[12:00:00\] admin: approve\n)"));
}

TEST_CASE("An event line has a star after the time", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.event("bob joined");
  CHECK(matches(shown(c, out), R"(\[\d\d:\d\d:\d\d\] \* bob joined\n)"));
  CHECK(shown(c, err).empty());
}

TEST_CASE("info goes to the err stream prefixed with chat_node:", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.info("listening on 0.0.0.0:9999");
  c.info("bad \x1b byte");
  CHECK(shown(c, err) == "chat_node: listening on 0.0.0.0:9999\nchat_node: bad ^[ byte\n");
  CHECK(shown(c, out).empty());
}

TEST_CASE("The status line keeps the terminal's bottom row, out of the scrolling chat", "[term][console]") {
  // A real pseudo-terminal of 24 rows: the console asks it for its size.
  int master = -1, slave = -1;
  winsize size{};
  size.ws_row = 24;
  size.ws_col = 80;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, &size) == 0);
  std::FILE* tty = ::fdopen(slave, "w");
  REQUIRE(tty);
  const auto read_tty = [master] {
    std::string got;
    char buf[4096];
    for (pollfd p{master, POLLIN, 0}; ::poll(&p, 1, 0) > 0;) {
      const auto n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  };
  {
    console c(tty, tty);
    c.set_status("frame= 1");
    REQUIRE(c.drain(std::chrono::seconds(10)));
    auto first = read_tty();
    CHECK(first.find("\x1b[1;23r") != std::string::npos);                 // chat scrolls in rows 1..23
    CHECK(first.find("\x1b[24;1H\x1b[2Kframe= 1") != std::string::npos);  // status drawn on row 24
    c.set_status("frame= 2");
    REQUIRE(c.drain(std::chrono::seconds(10)));
    auto second = read_tty();
    CHECK(second.find("\x1b[1;23r") == std::string::npos);  // the region is set once
    CHECK(second.find("\x1b[24;1H\x1b[2Kframe= 2") != std::string::npos);
    c.info("a note");
    REQUIRE(c.drain(std::chrono::seconds(10)));
    CHECK(read_tty().find("chat_node: a note") != std::string::npos);  // lines print as they are
    c.set_status("");
    REQUIRE(c.drain(std::chrono::seconds(10)));
    CHECK(read_tty().find("\x1b[r") != std::string::npos);  // the whole screen given back
  }
  std::fclose(tty);
  ::close(master);
}

TEST_CASE("Without a terminal the status line writes nothing", "[term][console]") {
  captured_file out, err;
  console c(out.get(), err.get());
  c.set_status("frame= 1");
  c.info("note");
  CHECK(shown(c, err) == "chat_node: note\n");
}

TEST_CASE("count_of says one thing, or many", "[console]") {
  CHECK(chatnode::term::count_of(0, "message") == "0 messages");
  CHECK(chatnode::term::count_of(1, "message") == "1 message");
  CHECK(chatnode::term::count_of(12, "line") == "12 lines");
}
