// protocol::line_splitter: cutting stdin into lines, and refusing lines over the limit whole.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "chatnode/protocol/line_splitter.hpp"

using chatnode::protocol::line_splitter;

namespace {

/// Records what the splitter reported, in order: "line:<text>" or "overlong:<size>".
struct recorder {
  std::vector<std::string> events;

  line_splitter make(std::size_t max_line) {
    return line_splitter(
        max_line, [this](std::string line) { events.push_back("line:" + line); },
        [this](std::size_t size) { events.push_back("overlong:" + std::to_string(size)); });
  }
};

/// Feeds `input` in pieces of `piece` bytes (the last one shorter), then finishes.
std::vector<std::string> run_in_pieces(std::size_t max_line, std::string_view input, std::size_t piece) {
  recorder r;
  auto s = r.make(max_line);
  for (std::size_t pos = 0; pos < input.size(); pos += piece) s.feed(input.substr(pos, piece));
  s.finish();
  return r.events;
}

/// Feeds `input` in two pieces split at `at`, then finishes.
std::vector<std::string> run_split(std::size_t max_line, std::string_view input, std::size_t at) {
  recorder r;
  auto s = r.make(max_line);
  s.feed(input.substr(0, at));
  s.feed(input.substr(at));
  s.finish();
  return r.events;
}

using events = std::vector<std::string>;

}  // namespace

TEST_CASE("Lines split across two feeds at every offset arrive whole", "[term][lines]") {
  const std::string input = "hello\nw\xC3\xB6rld\r\n\nlast one\n";
  const events expected{"line:hello", "line:w\xC3\xB6rld", "line:", "line:last one"};
  for (std::size_t at = 0; at <= input.size(); ++at) {
    INFO("split at " << at);
    CHECK(run_split(100, input, at) == expected);
  }
}

TEST_CASE("Lines fed one byte at a time arrive whole", "[term][lines]") {
  CHECK(run_in_pieces(100, "one\ntwo\r\nthree\n", 1) == events{"line:one", "line:two", "line:three"});
}

TEST_CASE("A CRLF ending is removed even when the CR and LF arrive in different feeds", "[term][lines]") {
  recorder r;
  auto s = r.make(100);
  s.feed("abc\r");
  CHECK(r.events.empty());
  s.feed("\nnext");
  CHECK(r.events == events{"line:abc"});
}

TEST_CASE("A CR that is not right before the LF stays in the line", "[term][lines]") {
  CHECK(run_in_pieces(100, "a\rb\n", 100) == events{"line:a\rb"});
  CHECK(run_in_pieces(100, "x\r\r\n", 100) == events{"line:x\r"});
}

TEST_CASE("A last line without a newline is delivered only on finish", "[term][lines]") {
  recorder r;
  auto s = r.make(100);
  s.feed("first\nsecond");
  CHECK(r.events == events{"line:first"});
  s.feed(" half");
  CHECK(r.events == events{"line:first"});
  s.finish();
  CHECK(r.events == events{"line:first", "line:second half"});
  s.finish();  // nothing left: nothing more
  CHECK(r.events.size() == 2);
}

TEST_CASE("Finish after a complete line delivers nothing more", "[term][lines]") {
  CHECK(run_in_pieces(100, "only\n", 100) == events{"line:only"});
  CHECK(run_in_pieces(100, "", 100).empty());
}

TEST_CASE("A line of exactly max_line bytes is accepted, with or without CR", "[term][lines]") {
  const std::string line(8, 'a');
  for (const std::string ending : {"\n", "\r\n"}) {
    for (std::size_t piece = 1; piece <= 10; ++piece) {
      INFO("piece " << piece << (ending.size() == 2 ? ", CRLF" : ", LF"));
      CHECK(run_in_pieces(8, line + ending + "z\n", piece) == events{"line:" + line, "line:z"});
    }
  }
}

TEST_CASE("A line one byte over max_line is reported with its size", "[term][lines]") {
  CHECK(run_in_pieces(8, "123456789\nok\n", 100) == events{"overlong:9", "line:ok"});
}

TEST_CASE("An overlong line split across many feeds is dropped whole and the next line still arrives",
          "[term][lines]") {
  const std::string big(50, 'x');
  const std::string input = "before\n" + big + "\nafter\n";
  const events expected{"line:before", "overlong:50", "line:after"};
  for (std::size_t piece = 1; piece <= input.size(); ++piece) {
    INFO("pieces of " << piece);
    CHECK(run_in_pieces(10, input, piece) == expected);
  }
  for (std::size_t at = 0; at <= input.size(); ++at) {
    INFO("split at " << at);
    CHECK(run_split(10, input, at) == expected);
  }
}

TEST_CASE("Two overlong lines in a row are reported separately", "[term][lines]") {
  CHECK(run_in_pieces(4, "aaaaaa\nbbbbbbbbb\ncc\n", 3) == events{"overlong:6", "overlong:9", "line:cc"});
}

TEST_CASE("An overlong last line without a newline is reported on finish", "[term][lines]") {
  recorder r;
  auto s = r.make(4);
  s.feed("ok\n0123");
  s.feed("456789");
  CHECK(r.events == events{"line:ok"});
  s.finish();
  CHECK(r.events == events{"line:ok", "overlong:10"});
}

TEST_CASE("An overlong CRLF line is reported with the size of the line, without its CR", "[term][lines]") {
  // A line is what comes before "\n" or "\r\n"; the same 12 bytes of text must
  // be reported as 12 bytes whichever ending they have and however they arrive.
  const std::string text = "0123456789AB";
  CHECK(run_in_pieces(8, text + "\n", 100) == events{"overlong:12"});
  CHECK(run_in_pieces(8, text + "\n", 1) == events{"overlong:12"});
  CHECK(run_in_pieces(8, text + "\r\n", 100) == events{"overlong:12"});
  CHECK(run_in_pieces(8, text + "\r\n", 1) == events{"overlong:12"});
}
