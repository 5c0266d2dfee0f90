// Strict UTF-8 validation: RFC 3629 without overlongs, surrogates or code points over U+10FFFF.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "chatnode/protocol/utf8.hpp"

using chatnode::protocol::incomplete_utf8_tail;
using chatnode::protocol::is_valid_utf8;

namespace {

// Builds a string from raw byte values, so invalid sequences can be written plainly.
std::string raw(std::initializer_list<unsigned char> bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace

TEST_CASE("Empty and ASCII strings are valid UTF-8", "[protocol][utf8]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("hello, world"));
  CHECK(is_valid_utf8(std::string_view("\0\x01\x7f", 3)));
}

TEST_CASE("Two, three and four byte sequences are accepted", "[protocol][utf8]") {
  CHECK(is_valid_utf8(raw({0xC2, 0x80})));              // U+0080, smallest two-byte
  CHECK(is_valid_utf8(raw({0xC3, 0xA9})));              // é
  CHECK(is_valid_utf8(raw({0xDF, 0xBF})));              // U+07FF, largest two-byte
  CHECK(is_valid_utf8(raw({0xE0, 0xA0, 0x80})));        // U+0800, smallest three-byte
  CHECK(is_valid_utf8(raw({0xE2, 0x82, 0xAC})));        // €
  CHECK(is_valid_utf8(raw({0xED, 0x9F, 0xBF})));        // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8(raw({0xEE, 0x80, 0x80})));        // U+E000, just above the surrogates
  CHECK(is_valid_utf8(raw({0xEF, 0xBF, 0xBF})));        // U+FFFF
  CHECK(is_valid_utf8(raw({0xF0, 0x90, 0x80, 0x80})));  // U+10000, smallest four-byte
  CHECK(is_valid_utf8(raw({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF, the last code point
}

TEST_CASE("Mixed text with emoji is valid", "[protocol][utf8]") {
  CHECK(is_valid_utf8("Grüße, 世界 \xF0\x9F\x98\x80 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!"));
}

TEST_CASE("Overlong encodings are rejected", "[protocol][utf8]") {
  CHECK_FALSE(is_valid_utf8(raw({0xC0, 0x80})));              // NUL in two bytes
  CHECK_FALSE(is_valid_utf8(raw({0xC1, 0xBF})));              // U+007F in two bytes
  CHECK_FALSE(is_valid_utf8(raw({0xE0, 0x80, 0x80})));        // NUL in three bytes
  CHECK_FALSE(is_valid_utf8(raw({0xE0, 0x9F, 0xBF})));        // U+07FF in three bytes
  CHECK_FALSE(is_valid_utf8(raw({0xF0, 0x80, 0x80, 0x80})));  // NUL in four bytes
  CHECK_FALSE(is_valid_utf8(raw({0xF0, 0x8F, 0xBF, 0xBF})));  // U+FFFF in four bytes
}

TEST_CASE("UTF-16 surrogates are rejected", "[protocol][utf8]") {
  CHECK_FALSE(is_valid_utf8(raw({0xED, 0xA0, 0x80})));  // U+D800
  CHECK_FALSE(is_valid_utf8(raw({0xED, 0xBF, 0xBF})));  // U+DFFF
  // A CESU-8 style surrogate pair for U+1F600.
  CHECK_FALSE(is_valid_utf8(raw({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));
}

TEST_CASE("Code points above U+10FFFF are rejected", "[protocol][utf8]") {
  CHECK_FALSE(is_valid_utf8(raw({0xF4, 0x90, 0x80, 0x80})));  // U+110000
  CHECK_FALSE(is_valid_utf8(raw({0xF7, 0xBF, 0xBF, 0xBF})));  // U+1FFFFF
}

TEST_CASE("Truncated sequences are rejected", "[protocol][utf8]") {
  CHECK_FALSE(is_valid_utf8(raw({0xC3})));
  CHECK_FALSE(is_valid_utf8(raw({0xE2, 0x82})));
  CHECK_FALSE(is_valid_utf8(raw({0xF0, 0x9F, 0x98})));
  CHECK_FALSE(is_valid_utf8("abc" + raw({0xF0, 0x9F})));
  // A lead byte followed by something that is not a continuation byte.
  CHECK_FALSE(is_valid_utf8(raw({0xC3, 'a'})));
  CHECK_FALSE(is_valid_utf8(raw({0xE2, 0x82, 'x'})));
  CHECK_FALSE(is_valid_utf8(raw({0xF0, 0x9F, 0x98, 0xC3, 0xA9})));
}

TEST_CASE("Lone continuation bytes are rejected", "[protocol][utf8]") {
  CHECK_FALSE(is_valid_utf8(raw({0x80})));
  CHECK_FALSE(is_valid_utf8(raw({0xBF})));
  CHECK_FALSE(is_valid_utf8("a" + raw({0x80}) + "b"));
  // One continuation byte too many after a complete sequence.
  CHECK_FALSE(is_valid_utf8(raw({0xC3, 0xA9, 0xA9})));
}

TEST_CASE("Bytes F5 to FF never appear in UTF-8", "[protocol][utf8]") {
  for (unsigned b = 0xF5; b <= 0xFF; ++b) {
    INFO("byte " << std::hex << b);
    CHECK_FALSE(is_valid_utf8(raw({static_cast<unsigned char>(b)})));
    CHECK_FALSE(is_valid_utf8(raw({static_cast<unsigned char>(b), 0x80, 0x80, 0x80})));
  }
}

TEST_CASE("utf8_prefix never cuts a character in two", "[protocol][utf8]") {
  using chatnode::protocol::utf8_prefix;
  const std::string s = "a\xc3\xa9\xe4\xbd\xa0\xf0\x9f\x8e\x89";  // a é 你 🎉: 1 + 2 + 3 + 4 bytes
  CHECK(utf8_prefix(s, 100) == s);
  CHECK(utf8_prefix(s, 0).empty());
  CHECK(utf8_prefix(s, 1) == "a");
  CHECK(utf8_prefix(s, 2) == "a");
  CHECK(utf8_prefix(s, 3) == "a\xc3\xa9");
  CHECK(utf8_prefix(s, 5) == "a\xc3\xa9");
  CHECK(utf8_prefix(s, 6) == "a\xc3\xa9\xe4\xbd\xa0");
  CHECK(utf8_prefix(s, 9) == "a\xc3\xa9\xe4\xbd\xa0");
  for (std::size_t n = 0; n <= s.size(); ++n) CHECK(chatnode::protocol::is_valid_utf8(utf8_prefix(s, n)));
}

TEST_CASE("The bytes of a character still to arrive are counted at the end, and only there", "[protocol][utf8]") {
  CHECK(incomplete_utf8_tail("") == 0);
  CHECK(incomplete_utf8_tail("caf") == 0);
  CHECK(incomplete_utf8_tail(raw({'c', 0xC3})) == 1);
  CHECK(incomplete_utf8_tail(raw({'c', 0xC3, 0xA9})) == 0);
  CHECK(incomplete_utf8_tail(raw({0xE2, 0x82})) == 2);        // two of the three bytes of "€"
  CHECK(incomplete_utf8_tail(raw({0xF0, 0x9F, 0x98})) == 3);  // three of the four of an emoji
  CHECK(incomplete_utf8_tail(raw({0xF0, 0x9F, 0x98, 0x80})) == 0);
  // Bytes that begin no character are invalid, not incomplete: the validator refuses them.
  CHECK(incomplete_utf8_tail(raw({'a', 0xFF})) == 0);
  CHECK(incomplete_utf8_tail(raw({'a', 0x80})) == 0);
}
