// The outbox tests' scenario helpers: frames to queue, and each batch the
// outbox hands a write loop, decoded into one short word per frame.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "chatnode/peer/outbox.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace proto = chatnode::protocol;
using chatnode::peer::outbox;
using chatnode::peer::outgoing_text;
using proto::bytes;

namespace outbox_test {

using batch = std::vector<std::string>;

inline outgoing_text make_text(std::uint64_t seq, const std::string& body = "hi") {
  return {seq, std::make_shared<const bytes>(proto::encode(proto::text_message{seq, 0, "me", body})), nullptr};
}

inline std::size_t text_frame_size(const std::string& body = "hi") { return make_text(1, body).frame->size(); }

/// A frame whose JPEG needs `chunks` chunks, its bytes derived from `seq`.
inline chatnode::video::frame_ptr make_frame(std::uint32_t seq, std::size_t chunks) {
  std::vector<std::uint8_t> jpeg((chunks - 1) * proto::video_chunk_bytes + 100);
  for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<std::uint8_t>(seq * 7 + i);
  auto f = std::make_shared<const chatnode::video::encoded_frame>(seq, 0, 64, 48, "me", std::move(jpeg),
                                                                  chatnode::video::stage_times{});
  REQUIRE(f->chunk_count() == chunks);
  return f;
}

inline bytes copy_out(const std::vector<boost::asio::const_buffer>& buffers) {
  bytes wire;
  for (const auto& b : buffers) {
    const auto* p = static_cast<const std::uint8_t*>(b.data());
    wire.insert(wire.end(), p, p + b.size());
  }
  return wire;
}

/// One frame as a short label: "ping 1", "ack 5", "text 3", "video 7/0" (frame 7, chunk 0).
inline std::string describe(std::span<const std::uint8_t> frame) {
  const auto payload = frame.subspan(proto::header_size);
  switch (static_cast<proto::frame_type>(frame[0])) {
    case proto::frame_type::ping: {
      const auto p = proto::decode_ping(payload);
      return p ? "ping " + std::to_string(p->t1_us) : "bad ping";
    }
    case proto::frame_type::pong: {
      const auto p = proto::decode_pong(payload);
      return p ? "pong " + std::to_string(p->t1_us) : "bad pong";
    }
    case proto::frame_type::bye:
      return "bye";
    case proto::frame_type::ack: {
      const auto a = proto::decode_ack(payload);
      return a ? "ack " + std::to_string(a->seq) : "bad ack";
    }
    case proto::frame_type::text: {
      const auto t = proto::decode_text(payload);
      return t ? "text " + std::to_string(t->seq) : "bad text";
    }
    case proto::frame_type::video_chunk: {
      const auto c = proto::decode_video_chunk(payload);
      return c ? "video " + std::to_string(c->header.frame_seq) + "/" +
                     std::to_string(c->header.offset / proto::video_chunk_bytes)
               : "bad video";
    }
    default:
      return "type " + std::to_string(frame[0]);
  }
}

/// Cuts a batch's bytes into frames by their headers and labels each one.
inline batch describe_all(const bytes& wire) {
  batch out;
  std::size_t pos = 0;
  while (pos < wire.size()) {  // each round advances pos by at least header_size
    REQUIRE(wire.size() - pos >= proto::header_size);
    const std::size_t length = std::size_t{wire[pos + 4]} << 24 | std::size_t{wire[pos + 5]} << 16 |
                               std::size_t{wire[pos + 6]} << 8 | wire[pos + 7];
    REQUIRE(wire.size() - pos >= proto::header_size + length);
    out.push_back(describe(std::span<const std::uint8_t>(wire).subspan(pos, proto::header_size + length)));
    pos += proto::header_size + length;
  }
  return out;
}

/// One turn of the write loop: prepare, "write", report written.
inline batch send_batch(outbox& ob) {
  std::vector<boost::asio::const_buffer> buffers;
  ob.prepare(buffers);
  CHECK(buffers.size() <= outbox::max_buffers_per_write);
  const auto labels = describe_all(copy_out(buffers));
  ob.written();
  return labels;
}

/// Write loop turns until nothing is pending, at most `max_turns`.
inline std::vector<batch> drain(outbox& ob, int max_turns = 20) {
  std::vector<batch> batches;
  for (int turn = 0; turn < max_turns && ob.has_pending(); ++turn) batches.push_back(send_batch(ob));
  CHECK_FALSE(ob.has_pending());
  return batches;
}

}  // namespace outbox_test
