// frame_parser: the incremental parser of the chat_node byte stream.
//
// The grind tests follow Boost.Beast's parsegrind: a valid stream must give the
// same frames however the bytes are split across reads.
#include <catch2/catch.hpp>

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

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/frame_parser.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace proto = chatnode::protocol;
using proto::bytes;
using proto::errc;
using proto::frame_type;
using proto::parse_status;

namespace {

constexpr std::uint8_t type_byte(frame_type t) { return static_cast<std::uint8_t>(t); }
constexpr std::uint8_t unknown_type = 0x7F;

/// One frame as the parser reported it, copied out of the driver's buffer.
struct frame_event {
  std::uint8_t type = 0;
  bytes payload;
  friend bool operator==(const frame_event&, const frame_event&) = default;
};

std::ostream& operator<<(std::ostream& os, const frame_event& e) {
  return os << "{type 0x" << std::hex << std::setw(2) << std::setfill('0') << int(e.type) << std::dec
            << ", " << e.payload.size() << " payload bytes}";
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

bytes header(std::uint8_t type, std::uint32_t length, std::uint8_t flags = 0, std::uint16_t reserved = 0) {
  return {type,
          flags,
          static_cast<std::uint8_t>(reserved >> 8),
          static_cast<std::uint8_t>(reserved),
          static_cast<std::uint8_t>(length >> 24),
          static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8),
          static_cast<std::uint8_t>(length)};
}

void append(bytes& out, std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }

const std::string name_utf8 = "Zo\xC3\xAB \xF0\x9F\x98\x80";  // "Zoë 😀"

bytes greeting() {
  proto::hello h;
  h.node_id = 0x0123456789ABCDEFull;
  h.capabilities = proto::cap_text | proto::cap_video_send | proto::cap_video_recv;
  h.name = name_utf8;
  return proto::encode_greeting(h);
}

bytes preamble_bytes() { return bytes(proto::preamble.begin(), proto::preamble.end()); }

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
test_stream full_stream() {
  test_stream s;
  const auto g = greeting();
  append(s.wire, g);
  s.expected.push_back({g[proto::preamble.size()], bytes(g.begin() + proto::preamble.size() + proto::header_size, g.end())});

  s.add_frame(proto::encode(proto::text_message{1, 1'700'000'000'000'000, name_utf8,
                                                "h\xC3\xA9llo w\xC3\xB6rld \xE2\x80\x94 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80"}));
  s.add_frame(proto::encode(proto::text_message{2, 1'700'000'000'000'001, "bob", ""}));
  s.add_frame(proto::encode(proto::ping{42}));

  std::vector<std::uint8_t> jpeg(proto::video_chunk_bytes + 7232);
  for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<std::uint8_t>(i * 31 + 7);
  const chatnode::video::encoded_frame f(9, 123456, 640, 480, name_utf8, std::move(jpeg), {});
  REQUIRE(f.chunk_count() == 2);
  for (std::size_t i = 0; i < f.chunk_count(); ++i) {
    bytes chunk = f.chunk_prefix(i);
    append(chunk, f.chunk_data(i));
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
driver greeted_driver() {
  driver d;
  d.feed(greeting());
  REQUIRE(d.violation().empty());
  REQUIRE_FALSE(d.error());
  REQUIRE(d.frames().size() == 1);
  REQUIRE(d.parser().hello_seen());
  return d;
}

}  // namespace

TEST_CASE("The unsplit stream parses to exactly the frames that were encoded", "[protocol][parser]") {
  const auto s = full_stream();
  driver d;
  d.feed(s.wire);
  REQUIRE(d.violation().empty());
  REQUIRE_FALSE(d.error());
  CHECK(d.buffered() == 0);
  REQUIRE(d.frames() == s.expected);

  // The payloads are the typed messages they were built from.
  const auto& fr = d.frames();
  auto h = proto::decode_hello(fr[0].payload);
  REQUIRE(h.has_value());
  CHECK(h->name == name_utf8);
  CHECK(h->node_id == 0x0123456789ABCDEFull);
  auto t = proto::decode_text(fr[1].payload);
  REQUIRE(t.has_value());
  CHECK(t->seq == 1);
  CHECK(t->origin == name_utf8);
  auto v0 = proto::decode_video_chunk(fr[4].payload);
  auto v1 = proto::decode_video_chunk(fr[6].payload);
  REQUIRE(v0.has_value());
  REQUIRE(v1.has_value());
  CHECK(v0->header.offset == 0);
  CHECK(v1->header.offset == proto::video_chunk_bytes);
  CHECK(v0->data.size() + v1->data.size() == v0->header.total_bytes);
  CHECK(fr[9].type == unknown_type);
  auto b = proto::decode_bye(fr[10].payload);
  REQUIRE(b.has_value());
  CHECK(b->text == "bye now");
}

TEST_CASE("A stream split in two at every offset gives the same frames as unsplit", "[protocol][parser][grind]") {
  const auto s = full_stream();
  const std::span<const std::uint8_t> wire(s.wire);
  std::size_t failures = 0;
  std::size_t first_bad_split = 0;
  std::string first_problem;
  for (std::size_t split = 0; split <= wire.size(); ++split) {
    driver d;
    d.feed(wire.first(split));
    d.feed(wire.subspan(split));
    std::string problem;
    if (!d.violation().empty()) problem = d.violation();
    else if (d.error()) problem = "error: " + d.error().message();
    else if (d.buffered() != 0) problem = "bytes left over";
    else if (d.frames() != s.expected) problem = "different frames";
    if (!problem.empty() && failures++ == 0) {
      first_bad_split = split;
      first_problem = problem;
    }
  }
  INFO("first failing split at byte " << first_bad_split << ": " << first_problem);
  CHECK(failures == 0);
}

TEST_CASE("A stream fed one byte at a time gives the same frames as unsplit", "[protocol][parser][grind]") {
  const auto s = full_stream();
  driver d;
  std::size_t frames_before_last_byte = 0;
  for (std::size_t i = 0; i < s.wire.size(); ++i) {
    if (i + 1 == s.wire.size()) frames_before_last_byte = d.frames().size();
    d.feed(std::span<const std::uint8_t>(&s.wire[i], 1));
  }
  REQUIRE(d.violation().empty());
  REQUIRE_FALSE(d.error());
  CHECK(d.buffered() == 0);
  CHECK(d.frames() == s.expected);
  // The last frame is reported on its last byte, not earlier.
  CHECK(frames_before_last_byte == s.expected.size() - 1);
}

TEST_CASE("A wrong first byte is rejected at once as a bad preamble", "[protocol][parser]") {
  proto::frame_parser p;
  const std::uint8_t g = 'G';  // the start of "GET / HTTP/1.1"
  const auto r = p.parse(std::span<const std::uint8_t>(&g, 1));
  CHECK(r.status == parse_status::error);
  CHECK(r.error == errc::bad_preamble);
}

TEST_CASE("A wrong byte anywhere in the preamble is rejected as soon as it arrives", "[protocol][parser]") {
  for (std::size_t pos = 0; pos < proto::preamble.size(); ++pos) {
    INFO("wrong byte at preamble offset " << pos);
    driver d;
    // A correct prefix is only incomplete.
    d.feed(std::span<const std::uint8_t>(proto::preamble).first(pos));
    CHECK_FALSE(d.error());
    CHECK(d.buffered() == pos);
    const std::uint8_t wrong = static_cast<std::uint8_t>(proto::preamble[pos] ^ 0x20);
    d.feed(std::span<const std::uint8_t>(&wrong, 1));
    CHECK(d.error() == errc::bad_preamble);
  }
}

TEST_CASE("An empty read before the preamble asks for more", "[protocol][parser]") {
  proto::frame_parser p;
  const auto r = p.parse({});
  CHECK(r.status == parse_status::need_more);
  CHECK(r.consumed == 0);
  CHECK_FALSE(r.error);
}

TEST_CASE("An oversized length is rejected from the header alone, for every type", "[protocol][parser]") {
  const std::uint8_t types[] = {type_byte(frame_type::hello), type_byte(frame_type::text),
                                type_byte(frame_type::video_chunk), type_byte(frame_type::ping),
                                type_byte(frame_type::pong), type_byte(frame_type::ack),
                                type_byte(frame_type::bye), unknown_type, 0x00};
  for (const auto type : types) {
    for (const std::uint64_t length : {std::uint64_t{proto::max_payload(type)} + 1, std::uint64_t{0xFFFFFFFF}}) {
      INFO("type 0x" << std::hex << int(type) << std::dec << ", length " << length);
      driver d;
      if (type == type_byte(frame_type::hello)) d.feed(preamble_bytes());
      else d = greeted_driver();
      const auto h = header(type, static_cast<std::uint32_t>(length));
      // Seven header bytes are not enough to judge; the eighth is.
      d.feed(std::span<const std::uint8_t>(h).first(proto::header_size - 1));
      CHECK_FALSE(d.error());
      d.feed(std::span<const std::uint8_t>(h).last(1));
      CHECK(d.error() == errc::frame_too_large);
      CHECK(d.violation().empty());
    }
  }
}

TEST_CASE("A length exactly at the limit waits for its payload", "[protocol][parser]") {
  const std::uint8_t types[] = {type_byte(frame_type::text), type_byte(frame_type::video_chunk),
                                type_byte(frame_type::bye), unknown_type};
  for (const auto type : types) {
    INFO("type 0x" << std::hex << int(type));
    auto d = greeted_driver();
    const auto limit = static_cast<std::uint32_t>(proto::max_payload(type));
    d.feed(header(type, limit));
    CHECK_FALSE(d.error());
    CHECK(d.frames().size() == 1);
    d.feed(bytes(limit, 'x'));
    CHECK_FALSE(d.error());
    REQUIRE(d.frames().size() == 2);
    CHECK(d.frames().back().type == type);
    CHECK(d.frames().back().payload.size() == limit);
  }
}

TEST_CASE("Non-zero flags or reserved bits are a bad header", "[protocol][parser]") {
  SECTION("flags on the hello") {
    driver d;
    d.feed(preamble_bytes());
    d.feed(header(type_byte(frame_type::hello), 20, 0x01));
    CHECK(d.error() == errc::bad_header);
  }
  SECTION("flags on a text frame") {
    auto d = greeted_driver();
    d.feed(header(type_byte(frame_type::text), 20, 0x80));
    CHECK(d.error() == errc::bad_header);
  }
  SECTION("high reserved byte") {
    auto d = greeted_driver();
    d.feed(header(type_byte(frame_type::ping), 8, 0, 0x0100));
    CHECK(d.error() == errc::bad_header);
  }
  SECTION("low reserved byte") {
    auto d = greeted_driver();
    d.feed(header(type_byte(frame_type::ack), 8, 0, 0x0001));
    CHECK(d.error() == errc::bad_header);
  }
}

TEST_CASE("Fixed-size frames with the wrong length are rejected", "[protocol][parser]") {
  struct wrong { frame_type type; std::uint32_t length; };
  const wrong cases[] = {{frame_type::ping, 0},  {frame_type::ping, 7}, {frame_type::pong, 0},
                         {frame_type::pong, 8},  {frame_type::pong, 23}, {frame_type::ack, 0},
                         {frame_type::ack, 7}};
  for (const auto& c : cases) {
    INFO(proto::to_string(c.type) << " with length " << c.length);
    auto d = greeted_driver();
    d.feed(header(type_byte(c.type), c.length));
    CHECK(d.error() == errc::bad_length);
  }
}

TEST_CASE("The first frame must be hello", "[protocol][parser]") {
  for (const auto& frame : {proto::encode(proto::ping{1}),
                            proto::encode(proto::text_message{1, 2, "a", "b"}),
                            proto::encode(proto::bye{})}) {
    INFO("first frame type " << int(frame[0]));
    driver d;
    d.feed(preamble_bytes());
    d.feed(frame);
    CHECK(d.error() == errc::hello_expected);
    CHECK(d.frames().empty());
    CHECK_FALSE(d.parser().hello_seen());
  }
  SECTION("even a frame of unknown type") {
    driver d;
    d.feed(preamble_bytes());
    d.feed(header(unknown_type, 0));
    CHECK(d.error() == errc::hello_expected);
  }
}

TEST_CASE("A second hello is a duplicate", "[protocol][parser]") {
  auto d = greeted_driver();
  d.feed(proto::encode(proto::ping{1}));
  const auto again = greeting();
  d.feed(std::span<const std::uint8_t>(again).subspan(proto::preamble.size()));
  CHECK(d.error() == errc::duplicate_hello);
  CHECK(d.frames().size() == 2);
}

TEST_CASE("Random bytes after a valid greeting never hang or crash the parser", "[protocol][parser][fuzz]") {
  constexpr std::uint32_t streams = 2000;
  const auto g = greeting();
  std::map<int, std::size_t> errors;  // how often each errc came up
  std::size_t frames_after_hello = 0;
  std::size_t ended_need_more = 0;

  for (std::uint32_t seed = 1; seed <= streams; ++seed) {
    std::mt19937 rng(seed);
    auto byte = [&] { return static_cast<std::uint8_t>(rng()); };
    bytes stream = g;
    const std::size_t extra = rng() % 512;
    if (seed % 2 == 0) {
      // Plain noise.
      for (std::size_t i = 0; i < extra; ++i) stream.push_back(byte());
    } else {
      // Headers that are often plausible, so the fuzzing gets past the header checks.
      const std::uint8_t types[] = {1, 2, 3, 4, 5, 6, 7, 0x00, 0x7F, 0xFF};
      while (stream.size() < g.size() + extra) {
        const std::uint8_t type = types[rng() % std::size(types)];
        const std::uint8_t flags = rng() % 16 == 0 ? byte() : 0;
        std::uint32_t length = rng() % 48;
        if (rng() % 8 == 0) length = static_cast<std::uint32_t>(proto::max_payload(type) + rng() % 3) - 1;
        append(stream, header(type, length, flags));
        const std::size_t payload = std::min<std::size_t>(length, 64);
        for (std::size_t i = 0; i < payload; ++i) stream.push_back(byte());
      }
    }

    driver d;
    for (std::size_t pos = 0; pos < stream.size();) {  // each feed advances pos by at least one byte
      const std::size_t n = std::min<std::size_t>(1 + rng() % 64, stream.size() - pos);
      d.feed(std::span<const std::uint8_t>(stream).subspan(pos, n));
      pos += n;
    }
    if (!d.violation().empty()) {
      INFO("seed " << seed << ": " << d.violation());
      FAIL("parser broke the driver's contract");
    }
    if (d.error()) ++errors[d.error().value()];
    else ++ended_need_more;
    if (!d.frames().empty()) frames_after_hello += d.frames().size() - 1;

    // Whatever the parser let through, the typed decoders must survive it.
    for (std::size_t i = 1; i < d.frames().size(); ++i) {
      const auto& f = d.frames()[i];
      switch (static_cast<frame_type>(f.type)) {
        case frame_type::text: (void)proto::decode_text(f.payload); break;
        case frame_type::video_chunk:
          if (auto c = proto::decode_video_chunk(f.payload)) {
            CHECK(c->data.data() + c->data.size() == f.payload.data() + f.payload.size());
          }
          break;
        case frame_type::ping: CHECK(proto::decode_ping(f.payload).has_value()); break;
        case frame_type::pong: CHECK(proto::decode_pong(f.payload).has_value()); break;
        case frame_type::ack: CHECK(proto::decode_ack(f.payload).has_value()); break;
        case frame_type::bye: (void)proto::decode_bye(f.payload); break;
        default: break;
      }
    }
  }

  // The fuzzing reached the interesting paths, not just the first header check.
  CHECK(errors[static_cast<int>(errc::bad_header)] > 0);
  CHECK(errors[static_cast<int>(errc::frame_too_large)] > 0);
  CHECK(errors[static_cast<int>(errc::duplicate_hello)] > 0);
  CHECK(errors[static_cast<int>(errc::bad_length)] > 0);
  CHECK(frames_after_hello > 0);
  CHECK(ended_need_more > 0);
}
