// What the frame_parser tests share: a driver that feeds the parser as a
// session does, and the streams and headers they feed it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iomanip>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/frame_parser.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"
namespace parser_test {

namespace proto = chatnode::protocol;
using proto::bytes;
using proto::errc;
using proto::frame_type;
using proto::parse_status;

constexpr std::uint8_t type_byte(frame_type t) { return static_cast<std::uint8_t>(t); }
constexpr std::uint8_t unknown_type = 0x7F;

/// One frame as the parser reported it, copied out of the driver's buffer.
struct frame_event {
  std::uint8_t type = 0;
  bytes payload;
  friend bool operator==(const frame_event&, const frame_event&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const frame_event& e) {
  return os << "{type 0x" << std::hex << std::setw(2) << std::setfill('0') << int(e.type) << std::dec << ", "
            << e.payload.size() << " payload bytes}";
}

/// Owns the receive buffer the way a session does: append what arrived, parse
/// until nothing more is complete, drop `consumed` bytes after every call.
class driver {
 public:
  void feed(std::span<const std::uint8_t> data) {
    if (stopped()) return;
    buffer_.insert(buffer_.end(), data.begin(), data.end());
    // Every round either returns or drops at least one byte, so this bounds the loop.
    const std::size_t max_rounds = buffer_.size() + 1;
    for (std::size_t round = 0; round < max_rounds; ++round) {
      const auto r = parser_.parse(buffer_);
      ++calls_;
      if (r.consumed > buffer_.size()) return violate("consumed more bytes than it was given");
      switch (r.status) {
        case parse_status::need_more:
          if (r.error) return violate("need_more with an error code");
          if (r.consumed == 0) return;
          drop(r.consumed);  // the preamble, with no whole frame after it yet
          break;
        case parse_status::frame: {
          if (r.consumed == 0) return violate("frame that consumed nothing");
          if (r.error) return violate("frame with an error code");
          const auto* begin = buffer_.data();
          const auto* end = begin + r.consumed;
          if (r.payload.data() + r.payload.size() != end || r.payload.size() + proto::header_size > r.consumed ||
              (!r.payload.empty() && r.payload.data() < begin))
            return violate("payload is not the tail of the consumed bytes");
          frames_.push_back({r.type, bytes(r.payload.begin(), r.payload.end())});
          drop(r.consumed);
          break;
        }
        case parse_status::error:
          if (!r.error) return violate("error status without an error code");
          error_ = r.error;
          return;
        default:
          return violate("unknown status");
      }
    }
    violate("parse loop did not terminate");
  }
  void feed(const bytes& b) { feed(std::span<const std::uint8_t>(b)); }

  const std::vector<frame_event>& frames() const { return frames_; }
  const boost::system::error_code& error() const { return error_; }
  const std::string& violation() const { return violation_; }
  std::size_t buffered() const { return buffer_.size(); }
  std::size_t calls() const { return calls_; }
  const proto::frame_parser& parser() const { return parser_; }

 private:
  bool stopped() const { return error_ || !violation_.empty(); }
  void violate(std::string what) { violation_ = std::move(what); }
  void drop(std::size_t n) { buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n)); }

  proto::frame_parser parser_;
  bytes buffer_;
  std::vector<frame_event> frames_;
  boost::system::error_code error_;
  std::string violation_;
  std::size_t calls_ = 0;
};

inline bytes header(std::uint8_t type, std::uint32_t length, std::uint8_t flags = 0, std::uint16_t reserved = 0) {
  return {type,
          flags,
          static_cast<std::uint8_t>(reserved >> 8),
          static_cast<std::uint8_t>(reserved),
          static_cast<std::uint8_t>(length >> 24),
          static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8),
          static_cast<std::uint8_t>(length)};
}

inline void append(bytes& out, std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }

const std::string name_utf8 = "Zo\xC3\xAB \xF0\x9F\x98\x80";  // "Zoë 😀"

inline bytes greeting() {
  proto::hello h;
  h.node_id = 0x0123456789ABCDEFull;
  h.capabilities = proto::cap_text | proto::cap_video_send | proto::cap_video_recv;
  h.name = name_utf8;
  return proto::encode_greeting(h);
}

inline bytes preamble_bytes() { return bytes(proto::preamble.begin(), proto::preamble.end()); }

/// A stream and the frames a correct parser must find in it.
struct test_stream {
  bytes wire;
  std::vector<frame_event> expected;

  void add_frame(const bytes& frame) {
    append(wire, frame);
    expected.push_back({frame[0], bytes(frame.begin() + proto::header_size, frame.end())});
  }
};

/// Preamble, hello and frames of every type, including a two-chunk video frame
/// with text between its chunks and a frame of unknown type.
inline test_stream full_stream() {
  test_stream s;
  const auto g = greeting();
  append(s.wire, g);
  s.expected.push_back(
      {g[proto::preamble.size()], bytes(g.begin() + proto::preamble.size() + proto::header_size, g.end())});

  s.add_frame(proto::encode(
      proto::text_message{1, 1'700'000'000'000'000, name_utf8,
                          "h\xC3\xA9llo w\xC3\xB6rld \xE2\x80\x94 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80"}));
  s.add_frame(proto::encode(proto::text_message{2, 1'700'000'000'000'001, "bob", ""}));
  s.add_frame(proto::encode(proto::ping{42}));

  std::vector<std::uint8_t> jpeg(proto::video_chunk_bytes + 7232);
  for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<std::uint8_t>(i * 31 + 7);
  const chatnode::video::encoded_frame f(9, 123456, 640, 480, name_utf8, std::move(jpeg), {});
  REQUIRE(f.chunk_count() == 2);
  for (std::size_t i = 0; i < f.chunk_count(); ++i) {
    bytes chunk = f.chunk_prefix(f.chunk_at(i));
    append(chunk, f.chunk_data(f.chunk_at(i)));
    s.add_frame(chunk);
    if (i == 0) s.add_frame(proto::encode(proto::text_message{3, 7, "bob", "between chunks"}));
  }

  s.add_frame(proto::encode(proto::pong{1, 2, 3}));
  s.add_frame(proto::encode(proto::ack{3}));
  bytes unknown = header(unknown_type, 5);
  append(unknown, bytes{0xDE, 0xAD, 0xBE, 0xEF, 0x00});
  s.add_frame(unknown);
  s.add_frame(proto::encode(proto::bye{proto::bye_reason::normal, "bye now"}));
  return s;
}

/// Preamble and hello, ready for the frame under test.
inline driver greeted_driver() {
  driver d;
  d.feed(greeting());
  REQUIRE(d.violation().empty());
  REQUIRE_FALSE(d.error());
  REQUIRE(d.frames().size() == 1);
  REQUIRE(d.parser().hello_seen());
  return d;
}

}  // namespace parser_test
