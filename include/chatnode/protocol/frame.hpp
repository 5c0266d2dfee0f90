// Frame layout and limits of the chat_node wire protocol (docs/PROTOCOL.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace chatnode::protocol {

/// Sent once by each side before its first frame. The first byte is not ASCII,
/// so the preamble can never be mistaken for text, HTTP or a lecture-video header.
constexpr std::array<std::uint8_t, 8> preamble{0x89, 'C', 'N', 'O', 'D', 'E', '\r', '\n'};

/// The protocol version this build speaks; a peer with another one is refused.
constexpr std::uint16_t protocol_version = 1;

/// Every frame: type (1) | flags (1, zero) | reserved (2, zero) | payload length (4), big-endian.
constexpr std::size_t header_size = 8;

enum class frame_type : std::uint8_t {
  hello = 0x01,        ///< first frame each way: version, node id, capabilities, name
  text = 0x02,         ///< one chat message
  video_chunk = 0x03,  ///< a slice of one JPEG frame
  ping = 0x04,         ///< heartbeat and clock probe (sender's send time)
  pong = 0x05,         ///< answer to ping: the three timestamps of an NTP exchange
  ack = 0x06,          ///< highest text sequence number received so far
  bye = 0x07,          ///< orderly close, with a reason
};

/// Frame types of the secret exchange (docs/PROTOCOL.md section 6). They come
/// only between the preamble and the hello of a node started with a secret,
/// never in a session's stream, so they are kept apart from frame_type: a
/// session's parser refuses them, and its switch over frame_type need not list them.
enum class auth_frame_type : std::uint8_t {
  challenge = 0x08,  ///< a fresh random nonce
  proof = 0x09,      ///< HMAC-SHA256 over both nonces, keyed with the secret
};

constexpr bool is_auth_frame(std::uint8_t type) {
  return type == static_cast<std::uint8_t>(auth_frame_type::challenge) ||
         type == static_cast<std::uint8_t>(auth_frame_type::proof);
}

/// Limits, checked on the header before any payload is buffered.
constexpr std::size_t max_name_bytes = 64;
constexpr std::size_t max_text_bytes = std::size_t{64} * 1024;     ///< UTF-8 body of one message
constexpr std::size_t video_chunk_bytes = std::size_t{32} * 1024;  ///< JPEG bytes per chunk
constexpr std::size_t max_video_frame_bytes = 16u << 20;           ///< one whole JPEG
constexpr std::size_t max_bye_text_bytes = 512;
constexpr std::size_t max_unknown_payload = std::size_t{64} * 1024;  ///< skipped frames of unknown type

constexpr std::size_t hello_fixed_bytes = 2 + 8 + 4 + 1;              // version, node id, caps, name length
constexpr std::size_t text_fixed_bytes = 8 + 8 + 1;                   // seq, sent time, origin length
constexpr std::size_t video_fixed_bytes = 4 + 4 + 4 + 8 + 2 + 2 + 1;  // seq, total, offset, time, w, h, origin length
constexpr std::size_t ping_bytes = 8;
constexpr std::size_t pong_bytes = 24;
constexpr std::size_t ack_bytes = 8;
constexpr std::size_t auth_nonce_bytes = 32;  ///< challenge payload
constexpr std::size_t auth_mac_bytes = 32;    ///< proof payload: one HMAC-SHA256

/// Largest payload a frame of this type may carry; unknown types get max_unknown_payload.
constexpr std::size_t max_payload(std::uint8_t type) {
  if (type == static_cast<std::uint8_t>(auth_frame_type::challenge)) return auth_nonce_bytes;
  if (type == static_cast<std::uint8_t>(auth_frame_type::proof)) return auth_mac_bytes;
  switch (static_cast<frame_type>(type)) {
    case frame_type::hello:
      return hello_fixed_bytes + max_name_bytes;
    case frame_type::text:
      return text_fixed_bytes + max_name_bytes + max_text_bytes;
    case frame_type::video_chunk:
      return video_fixed_bytes + max_name_bytes + video_chunk_bytes;
    case frame_type::ping:
      return ping_bytes;
    case frame_type::pong:
      return pong_bytes;
    case frame_type::ack:
      return ack_bytes;
    case frame_type::bye:
      return 1 + max_bye_text_bytes;
  }
  return max_unknown_payload;
}

/// Largest frame on the wire: what a reader's buffer must hold.
constexpr std::size_t max_frame_bytes = header_size + text_fixed_bytes + max_name_bytes + max_text_bytes;
static_assert(max_frame_bytes >= header_size + max_payload(0x03));

/// Capability bits announced in hello.
enum capability : std::uint32_t {
  cap_text = 1u << 0,
  cap_video_send = 1u << 1,  ///< will send video frames
  cap_video_recv = 1u << 2,  ///< wants video frames
};

/// Why a side says bye.
enum class bye_reason : std::uint8_t {
  normal = 0,          ///< the user left
  protocol_error = 1,  ///< the other side sent something malformed
  version_mismatch = 2,
  slow_consumer = 3,  ///< the receiver fell too far behind on text
  shutting_down = 4,  ///< the node is stopping
  room_full = 5,
  timeout = 6,       ///< no traffic within the heartbeat timeout
  tls_required = 7,  ///< sent in plain text by a --tls node to a peer without TLS, instead of hello
  not_trusted = 8,   ///< the peer's certificate is not the one pinned or known for it
};

const char* to_string(bye_reason r);

}  // namespace chatnode::protocol
