// Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
#pragma once

#include <string_view>

namespace chatnode::protocol {

bool is_valid_utf8(std::string_view s);

/// Whether valid UTF-8 `s` holds a control character: C0 (tab and newline
/// included), DEL or C1 (U+0080..U+009F). A name must hold none: names go into
/// single lines everywhere (the terminal, raw-text peers, known_peers).
bool has_control_characters(std::string_view s);

/// The longest prefix of `s` of at most `max_bytes` that does not cut a character in two.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

}  // namespace chatnode::protocol
