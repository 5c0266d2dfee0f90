#include "chatnode/protocol/sniff.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/lecture_video.hpp"
#include "chatnode/protocol/utf8.hpp"

namespace chatnode::protocol {
namespace {

constexpr sniff_result more{sniff_status::need_more, wire_protocol::chat_node};
constexpr sniff_result refuse{sniff_status::refused, wire_protocol::chat_node};
constexpr sniff_result decide(wire_protocol p) { return {sniff_status::decided, p}; }

/// The first byte of every TLS connection: a handshake record carrying the ClientHello.
constexpr std::uint8_t tls_handshake_record = 0x16;

bool is_digit(std::uint8_t c) { return c >= '0' && c <= '9'; }

/// Digits, then only spaces: a lecture-video header, or the start of one.
bool lecture_header_so_far(std::string_view s) {
  const auto digits = s.find_first_not_of("0123456789");
  return digits != 0 &&
         (digits == std::string_view::npos || s.find_first_not_of(' ', digits) == std::string_view::npos);
}

/// Request methods a browser or an HTTP tool would send first, each with its space.
constexpr std::array<std::string_view, 9> http_methods{"GET ",     "HEAD ",  "POST ",    "PUT ",  "DELETE ",
                                                       "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};

/// 0: not a request line; 1: the start of one; 2: a whole method and its space.
int http_method_so_far(std::string_view s) {
  int best = 0;
  for (const auto m : http_methods) {
    if (s.size() >= m.size() && s.starts_with(m)) return 2;
    if (s.size() < m.size() && m.starts_with(s)) best = 1;
  }
  return best;
}

/// Text a person types: no control characters but tab, line feed and carriage return.
bool typed_text(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<std::uint8_t>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
  });
}

}  // namespace

sniff_result sniff(std::span<const std::uint8_t> first) {
  if (first.empty()) return more;
  if (first[0] == preamble[0]) return decide(wire_protocol::chat_node);
  if (first[0] == tls_handshake_record) {
    if (first.size() < 2) return more;
    return first[1] == 0x03 ? decide(wire_protocol::tls) : refuse;
  }

  const std::string_view s(reinterpret_cast<const char*>(first.data()), std::min(first.size(), sniff_max_bytes));
  if (is_digit(first[0]) && lecture_header_so_far(s))
    return s.size() == lecture_header_bytes ? decide(wire_protocol::lecture_video) : more;

  switch (http_method_so_far(s)) {
    case 2:
      return decide(wire_protocol::http);
    case 1:
      return more;
    default:
      break;
  }

  // Whatever else a person could have typed: valid UTF-8 without control bytes.
  // A character cut by the end of what has arrived waits for its other bytes.
  const auto whole = s.substr(0, s.size() - incomplete_utf8_tail(s));
  if (!typed_text(whole) || !is_valid_utf8(whole)) return refuse;
  return whole.empty() ? more : decide(wire_protocol::raw_text);
}

const char* to_string(wire_protocol p) {
  switch (p) {
    case wire_protocol::chat_node:
      return "chat-node";
    case wire_protocol::http:
      return "http";
    case wire_protocol::lecture_video:
      return "lecture-video";
    case wire_protocol::raw_text:
      return "raw-text";
    case wire_protocol::tls:
      return "tls";
  }
  return "unknown";
}

}  // namespace chatnode::protocol
