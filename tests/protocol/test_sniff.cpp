// protocol::sniff: which protocol a connection speaks, from its first bytes.
// Every prefix of each kind's opening is either need_more or the right verdict,
// so a listener decides as soon as the bytes do, however they are split.
#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/sniff.hpp"

namespace proto = chatnode::protocol;
using proto::sniff_status;
using proto::wire_protocol;

namespace {

proto::sniff_result sniff(std::string_view s) {
  return proto::sniff({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

bool decided_as(std::string_view s, wire_protocol p) {
  const auto r = sniff(s);
  return r.status == sniff_status::decided && r.protocol == p;
}

bool needs_more(std::string_view s) { return sniff(s).status == sniff_status::need_more; }
bool refused(std::string_view s) { return sniff(s).status == sniff_status::refused; }

/// Every proper prefix of `opening` from `undecided_until` bytes on, and the whole, are `p`;
/// shorter ones need more.
void check_prefixes(std::string_view opening, std::size_t undecided_until, wire_protocol p) {
  for (std::size_t n = 0; n <= opening.size(); ++n) {
    INFO("the first " << n << " bytes of \"" << opening << "\"");
    if (n < undecided_until)
      CHECK(needs_more(opening.substr(0, n)));
    else
      CHECK(decided_as(opening.substr(0, n), p));
  }
}

const std::string our_opening(reinterpret_cast<const char*>(proto::preamble.data()), proto::preamble.size());

}  // namespace

TEST_CASE("Nothing yet needs more", "[sniff]") { CHECK(needs_more("")); }

TEST_CASE("Our preamble is recognised from its first byte", "[sniff]") {
  check_prefixes(our_opening + std::string("\x01\x00", 2), 1, wire_protocol::chat_node);
}

TEST_CASE("A lecture-video header is recognised once its 16 bytes are in", "[sniff]") {
  check_prefixes("12345           \xFF\xD8\xFF", 16, wire_protocol::lecture_video);
  check_prefixes("7               ", 16, wire_protocol::lecture_video);
  // Sixteen digits are a header too (whose length the parser then refuses).
  CHECK(decided_as("9999999999999999", wire_protocol::lecture_video));
}

TEST_CASE("HTTP is recognised once a method and its space are in", "[sniff]") {
  check_prefixes("GET / HTTP/1.1\r\n", 4, wire_protocol::http);
  check_prefixes("HEAD / HTTP/1.1\r\n", 5, wire_protocol::http);
  check_prefixes("OPTIONS * HTTP/1.1\r\n", 8, wire_protocol::http);
  CHECK(decided_as("POST ", wire_protocol::http));
}

TEST_CASE("Typed text is recognised as soon as it can be nothing else", "[sniff]") {
  check_prefixes("hello\n", 1, wire_protocol::raw_text);
  check_prefixes("zut alors\r\n", 1, wire_protocol::raw_text);
  // "G" could still become "GET "; "GR" cannot.
  check_prefixes("GRR\n", 2, wire_protocol::raw_text);
  check_prefixes("\xC3\xA9t\xC3\xA9\n", 2, wire_protocol::raw_text);  // "été": a split character waits
  check_prefixes("\xF0\x9F\x98\x80!", 4, wire_protocol::raw_text);    // an emoji, byte by byte
}

TEST_CASE("A line ending decides text where digits could have begun a header", "[sniff]") {
  CHECK(needs_more("12"));
  CHECK(needs_more("12   "));
  CHECK(decided_as("12\n", wire_protocol::raw_text));
  CHECK(decided_as("12   \r\n", wire_protocol::raw_text));
  CHECK(decided_as("12 apples", wire_protocol::raw_text));
  CHECK(decided_as("1 2", wire_protocol::raw_text));
  CHECK(decided_as("-5              ", wire_protocol::raw_text));
  CHECK(decided_as(" 12             ", wire_protocol::raw_text));
}

TEST_CASE("A method without its space is text", "[sniff]") {
  CHECK(needs_more("GET"));
  CHECK(decided_as("GET\n", wire_protocol::raw_text));
  CHECK(decided_as("get / HTTP/1.1\r\n", wire_protocol::raw_text));
  CHECK(decided_as("GETTING\n", wire_protocol::raw_text));
}

TEST_CASE("A TLS ClientHello is recognised from its record type and version byte", "[sniff]") {
  check_prefixes(std::string("\x16\x03\x01\x02\x00\x01", 6), 2, wire_protocol::tls);
  CHECK(refused(std::string("\x16\x02", 2)));  // a handshake record of no TLS version
}

TEST_CASE("Binary that is no preamble is refused", "[sniff]") {
  CHECK(refused(std::string_view("\x00\xffnot a chat node", 17)));
  CHECK(refused("\xFF\xD8\xFF\xE0"));  // a bare JPEG
  CHECK(refused("hello\x01world"));    // a control byte inside text
  CHECK(refused("caf\xC3("));          // a broken UTF-8 sequence
  CHECK(refused("\xC0\xAF"));          // an overlong form
  CHECK(refused("\xED\xA0\x80"));      // a surrogate
  CHECK(refused("abc\x7F"));
}

TEST_CASE("Only the first 16 bytes matter, and they always decide", "[sniff]") {
  CHECK(decided_as("12345           garbage\x00\x01", wire_protocol::lecture_video));
  CHECK(decided_as("a quite long line of text\n", wire_protocol::raw_text));
  // A character cut at byte 16 is completed by what follows, not held against the text.
  CHECK(decided_as("fifteen bytes..\xC3\xA9 more", wire_protocol::raw_text));
  for (int b = 0; b < 256; ++b) {
    std::string s(proto::sniff_max_bytes, static_cast<char>(b));
    INFO("sixteen bytes of " << b);
    CHECK(sniff(s).status != sniff_status::need_more);
  }
}

TEST_CASE("Each protocol has a name for --protocol and the logs", "[sniff]") {
  CHECK(std::string(proto::to_string(wire_protocol::chat_node)) == "chat-node");
  CHECK(std::string(proto::to_string(wire_protocol::lecture_video)) == "lecture-video");
  CHECK(std::string(proto::to_string(wire_protocol::raw_text)) == "raw-text");
  CHECK(std::string(proto::to_string(wire_protocol::tls)) == "tls");
}
