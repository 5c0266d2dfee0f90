// Tells apart, from a connection's first bytes, the protocols a listening port
// accepts: ours, HTTP, and the two teaching programs' formats (docs/PROTOCOL.md,
// section 5). Pure code, no I/O: the caller feeds what has arrived so far.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace chatnode::protocol {

enum class wire_protocol {
  chat_node,      ///< our framed protocol, recognised by the preamble's first byte
  http,           ///< a request line ("GET ", "HEAD ", ...): a browser on the wrong port
  lecture_video,  ///< the teaching video chat: 16-byte ASCII length header, then a JPEG
  raw_text,       ///< the teaching text chat, nc, telnet: plain UTF-8 text
  tls,            ///< a TLS ClientHello (record type 0x16, version 3.x): a --tls peer
};

enum class sniff_status {
  need_more,  ///< these bytes are a prefix of more than one kind
  decided,    ///< `protocol` says which
  refused,    ///< no kind starts like this (binary that is no preamble, invalid UTF-8, control bytes)
};

struct sniff_result {
  sniff_status status = sniff_status::need_more;
  wire_protocol protocol = wire_protocol::chat_node;
};

/// Bytes after which the verdict is never need_more: one lecture-video header.
constexpr std::size_t sniff_max_bytes = 16;

/// Classifies the first bytes of a connection. Only the first sniff_max_bytes matter.
sniff_result sniff(std::span<const std::uint8_t> first);

const char* to_string(wire_protocol p);

}  // namespace chatnode::protocol
