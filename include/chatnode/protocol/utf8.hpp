// Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace chatnode::protocol {

bool is_valid_utf8(std::string_view s);

/// How many bytes at the end of `s` start a character whose other bytes have
/// not arrived yet (0 to 3): what a reader must hold back until they do.
std::size_t incomplete_utf8_tail(std::string_view s);

/// Whether valid UTF-8 `s` holds a control character: C0 (tab and newline
/// included), DEL or C1 (U+0080..U+009F). A name must hold none: names go into
/// single lines everywhere (the terminal, raw-text peers, known_peers).
bool has_control_characters(std::string_view s);

/// The longest prefix of `s` of at most `max_bytes` that does not cut a character in two.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

}  // namespace chatnode::protocol
