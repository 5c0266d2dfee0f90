// Typed frames of the chat_node protocol: encoding to bytes and checked decoding.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "chatnode/protocol/frame.hpp"

namespace chatnode::protocol {

using bytes = std::vector<std::uint8_t>;

struct hello {
  std::uint16_t version = protocol_version;
  std::uint64_t node_id = 0;       ///< random per process; tells a reconnecting peer apart
  std::uint32_t capabilities = 0;  ///< capability bits
  std::string name;
};

struct text_message {
  std::uint64_t seq = 0;      ///< per link, increasing; acknowledged by ack
  std::uint64_t sent_us = 0;  ///< sender's wall clock, microseconds since the Unix epoch
  std::string origin;         ///< who wrote it (the sender, or the peer it relays)
  std::string body;           ///< UTF-8, at most max_text_bytes
};

/// The fixed part of a video chunk; the JPEG slice follows it in the payload.
struct video_chunk_header {
  std::uint32_t frame_seq = 0;
  std::uint32_t total_bytes = 0;  ///< size of the whole JPEG
  std::uint32_t offset = 0;       ///< where this slice starts in it
  std::uint64_t capture_us = 0;   ///< sender's wall clock at capture
  std::uint16_t width = 0;
  std::uint16_t height = 0;
  std::string origin;
};

struct video_chunk {
  video_chunk_header header;
  std::span<const std::uint8_t> data;  ///< points into the parsed payload
};

struct ping {
  std::uint64_t t1_us = 0;
};
struct pong {
  std::uint64_t t1_us = 0, t2_us = 0, t3_us = 0;
};
struct ack {
  std::uint64_t seq = 0;
};
struct bye {
  bye_reason reason = bye_reason::normal;
  std::string text;
};

/// The preamble followed by our hello: the first bytes each side sends.
bytes encode_greeting(const hello& h);
/// The hello frame alone, for a stream whose preamble went out with the secret exchange.
bytes encode(const hello& h);
bytes encode(const text_message& m);
bytes encode(const ping& p);
bytes encode(const pong& p);
bytes encode(const ack& a);
bytes encode(const bye& b);
/// Header and fixed fields of a video chunk, to be sent followed by `data_bytes` of JPEG.
bytes encode_prefix(const video_chunk_header& h, std::size_t data_bytes);

boost::system::result<hello> decode_hello(std::span<const std::uint8_t> payload);
boost::system::result<text_message> decode_text(std::span<const std::uint8_t> payload);
boost::system::result<video_chunk> decode_video_chunk(std::span<const std::uint8_t> payload);
boost::system::result<ping> decode_ping(std::span<const std::uint8_t> payload);
boost::system::result<pong> decode_pong(std::span<const std::uint8_t> payload);
boost::system::result<ack> decode_ack(std::span<const std::uint8_t> payload);
boost::system::result<bye> decode_bye(std::span<const std::uint8_t> payload);

}  // namespace chatnode::protocol
