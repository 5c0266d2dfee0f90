// Incremental, allocation-free parser for the chat_node byte stream. No I/O:
// the caller owns the buffer, feeds what it has, and drops `consumed` bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <boost/system/error_code.hpp>

namespace chatnode::protocol {

enum class parse_status {
  need_more,  ///< no complete frame at the start of the data yet
  frame,      ///< `type` and `payload` describe one whole frame
  error,      ///< the stream is invalid; `error` says why; close the connection
};

struct parse_result {
  parse_status status = parse_status::need_more;
  std::size_t consumed = 0;               ///< bytes the caller may discard, whatever the status
  std::uint8_t type = 0;                  ///< raw type byte; unknown types are returned for the caller to skip
  std::span<const std::uint8_t> payload;  ///< points into the caller's data
  boost::system::error_code error;
};

class frame_parser {
 public:
  /// Parses the preamble (once) and at most one frame from the start of `data`.
  /// Oversized lengths are rejected from the header alone, before the payload
  /// has arrived, so a reader never buffers more than max_frame_bytes.
  parse_result parse(std::span<const std::uint8_t> data);

  /// A parser for a stream whose preamble the secret exchange has already
  /// read (docs/PROTOCOL.md section 6): it starts at the hello.
  static frame_parser after_preamble() {
    frame_parser p;
    p.preamble_seen_ = true;
    return p;
  }

  /// True once the peer's hello has been parsed.
  bool hello_seen() const { return hello_seen_; }

 private:
  bool preamble_seen_ = false;
  bool hello_seen_ = false;
};

}  // namespace chatnode::protocol
