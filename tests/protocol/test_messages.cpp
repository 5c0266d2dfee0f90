// Typed messages: encoding to bytes and checked decoding.
#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/messages.hpp"

#include "protocol/parser_fixture.hpp"

namespace proto = chatnode::protocol;
using proto::bytes;
using proto::errc;
using proto::frame_type;

namespace {

using parser_test::name_utf8;

std::uint32_t load_be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

/// The frame's payload, after checking its header is well formed for `type`.
std::span<const std::uint8_t> payload_of(const bytes& frame, frame_type type) {
  REQUIRE(frame.size() >= proto::header_size);
  CHECK(frame[0] == static_cast<std::uint8_t>(type));
  CHECK(frame[1] == 0);
  CHECK(frame[2] == 0);
  CHECK(frame[3] == 0);
  CHECK(load_be32(&frame[4]) == frame.size() - proto::header_size);
  return std::span<const std::uint8_t>(frame).subspan(proto::header_size);
}

/// A copy of the payload of the hello inside a greeting, after checking the preamble.
bytes hello_payload(const bytes& greeting) {
  REQUIRE(greeting.size() > proto::preamble.size());
  CHECK(bytes(greeting.begin(), greeting.begin() + proto::preamble.size()) ==
        bytes(proto::preamble.begin(), proto::preamble.end()));
  const bytes frame(greeting.begin() + proto::preamble.size(), greeting.end());
  const auto payload = payload_of(frame, frame_type::hello);
  return bytes(payload.begin(), payload.end());
}

void append_be(bytes& out, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void append(bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }

/// A video chunk payload written field by field, so it can be inconsistent on purpose.
bytes video_payload(std::uint32_t total, std::uint32_t offset, std::size_t data_bytes,
                    std::string_view origin = "cam") {
  bytes p;
  append_be(p, 5, 4);  // frame_seq
  append_be(p, total, 4);
  append_be(p, offset, 4);
  append_be(p, 99, 8);  // capture_us
  append_be(p, 320, 2);
  append_be(p, 240, 2);
  p.push_back(static_cast<std::uint8_t>(origin.size()));
  append(p, origin);
  p.insert(p.end(), data_bytes, 0xAB);
  return p;
}

template <class Result>
errc error_of(const Result& r) {
  REQUIRE(r.has_error());
  REQUIRE(&r.error().category() == &proto::error_category());
  return static_cast<errc>(r.error().value());
}

}  // namespace

// ---------------------------------------------------------------- round trips

TEST_CASE("A greeting is the preamble followed by a hello that decodes to the same values", "[protocol][messages]") {
  proto::hello h;
  h.node_id = 0x0102030405060708ull;
  h.capabilities = proto::cap_text | proto::cap_video_recv;
  h.name = name_utf8;
  const auto g = proto::encode_greeting(h);
  const auto payload = hello_payload(g);

  // Byte-exact: the header, then version and node id in big-endian order.
  const bytes expected_header{0x01, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, static_cast<std::uint8_t>(proto::hello_fixed_bytes + name_utf8.size())};
  CHECK(bytes(g.begin() + 8, g.begin() + 16) == expected_header);
  CHECK(bytes(payload.begin(), payload.begin() + 10) == bytes{0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8});

  const auto d = proto::decode_hello(payload);
  REQUIRE(d.has_value());
  CHECK(d->version == proto::protocol_version);
  CHECK(d->node_id == h.node_id);
  CHECK(d->capabilities == h.capabilities);
  CHECK(d->name == h.name);
}

TEST_CASE("A hello with a name of exactly max_name_bytes round-trips", "[protocol][messages]") {
  proto::hello h;
  h.name = std::string(proto::max_name_bytes, 'n');
  const auto d = proto::decode_hello(hello_payload(proto::encode_greeting(h)));
  REQUIRE(d.has_value());
  CHECK(d->name == h.name);
}

TEST_CASE("A text message header is byte-exact and its fields round-trip", "[protocol][messages]") {
  proto::text_message m;
  m.seq = 0x0A0B0C0D0E0F1011ull;
  m.sent_us = 1'700'000'000'123'456ull;
  m.origin = name_utf8;
  m.body = std::string(300, 'x') + " gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80";
  const auto frame = proto::encode(m);

  const std::uint32_t length = static_cast<std::uint32_t>(proto::text_fixed_bytes + m.origin.size() + m.body.size());
  REQUIRE(length > 0xFF);  // so the big-endian order of the length shows
  const bytes expected_header{0x02,
                              0x00,
                              0x00,
                              0x00,
                              static_cast<std::uint8_t>(length >> 24),
                              static_cast<std::uint8_t>(length >> 16),
                              static_cast<std::uint8_t>(length >> 8),
                              static_cast<std::uint8_t>(length)};
  CHECK(bytes(frame.begin(), frame.begin() + 8) == expected_header);
  CHECK(frame.size() == proto::header_size + length);
  // seq is the first payload field, big-endian.
  CHECK(bytes(frame.begin() + 8, frame.begin() + 16) == bytes{0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11});

  const auto d = proto::decode_text(payload_of(frame, frame_type::text));
  REQUIRE(d.has_value());
  CHECK(d->seq == m.seq);
  CHECK(d->sent_us == m.sent_us);
  CHECK(d->origin == m.origin);
  CHECK(d->body == m.body);
}

TEST_CASE("Text with an empty body or a body of max_text_bytes round-trips", "[protocol][messages]") {
  for (const std::size_t size : {std::size_t{0}, proto::max_text_bytes}) {
    INFO("body of " << size << " bytes");
    const proto::text_message m{7, 8, "o", std::string(size, 'b')};
    const auto frame = proto::encode(m);
    CHECK(frame.size() - proto::header_size <= proto::max_payload(frame[0]));
    const auto d = proto::decode_text(payload_of(frame, frame_type::text));
    REQUIRE(d.has_value());
    CHECK(d->body == m.body);
  }
}

TEST_CASE("Ping, pong and ack round-trip with their fixed lengths", "[protocol][messages]") {
  const auto ping = proto::encode(proto::ping{0x1122334455667788ull});
  CHECK(ping.size() == proto::header_size + proto::ping_bytes);
  const auto dp = proto::decode_ping(payload_of(ping, frame_type::ping));
  REQUIRE(dp.has_value());
  CHECK(dp->t1_us == 0x1122334455667788ull);

  const auto pong = proto::encode(proto::pong{1, 2, 0xFFFFFFFFFFFFFFFFull});
  CHECK(pong.size() == proto::header_size + proto::pong_bytes);
  const auto dq = proto::decode_pong(payload_of(pong, frame_type::pong));
  REQUIRE(dq.has_value());
  CHECK(dq->t1_us == 1);
  CHECK(dq->t2_us == 2);
  CHECK(dq->t3_us == 0xFFFFFFFFFFFFFFFFull);

  const auto ack = proto::encode(proto::ack{12345});
  CHECK(ack.size() == proto::header_size + proto::ack_bytes);
  const auto da = proto::decode_ack(payload_of(ack, frame_type::ack));
  REQUIRE(da.has_value());
  CHECK(da->seq == 12345);
}

TEST_CASE("Bye round-trips its reason and text", "[protocol][messages]") {
  for (const auto reason : {proto::bye_reason::normal, proto::bye_reason::protocol_error,
                            proto::bye_reason::slow_consumer, proto::bye_reason::timeout}) {
    const proto::bye b{reason, "see you \xF0\x9F\x91\x8B"};
    const auto frame = proto::encode(b);
    const auto d = proto::decode_bye(payload_of(frame, frame_type::bye));
    REQUIRE(d.has_value());
    CHECK(d->reason == reason);
    CHECK(d->text == b.text);
  }
  SECTION("an empty text") {
    const auto d = proto::decode_bye(payload_of(proto::encode(proto::bye{}), frame_type::bye));
    REQUIRE(d.has_value());
    CHECK(d->reason == proto::bye_reason::normal);
    CHECK(d->text.empty());
  }
  SECTION("a text over the limit is clipped to max_bye_text_bytes") {
    const auto frame = proto::encode(proto::bye{proto::bye_reason::normal, std::string(1000, 'z')});
    CHECK(frame.size() - proto::header_size == proto::max_payload(frame[0]));
    const auto d = proto::decode_bye(payload_of(frame, frame_type::bye));
    REQUIRE(d.has_value());
    CHECK(d->text == std::string(proto::max_bye_text_bytes, 'z'));
  }
}

TEST_CASE("A video chunk prefix followed by its data decodes to the same header", "[protocol][messages]") {
  proto::video_chunk_header h;
  h.frame_seq = 77;
  h.total_bytes = 5000;
  h.offset = 1000;
  h.capture_us = 0x0102030405060708ull;
  h.width = 1280;
  h.height = 720;
  h.origin = name_utf8;
  const bytes data(600, 0x5A);
  auto frame = proto::encode_prefix(h, data.size());
  CHECK(frame.size() == proto::header_size + proto::video_fixed_bytes + h.origin.size());
  frame.insert(frame.end(), data.begin(), data.end());

  const auto payload = payload_of(frame, frame_type::video_chunk);
  const auto d = proto::decode_video_chunk(payload);
  REQUIRE(d.has_value());
  CHECK(d->header.frame_seq == 77);
  CHECK(d->header.total_bytes == 5000);
  CHECK(d->header.offset == 1000);
  CHECK(d->header.capture_us == h.capture_us);
  CHECK(d->header.width == 1280);
  CHECK(d->header.height == 720);
  CHECK(d->header.origin == h.origin);
  CHECK(bytes(d->data.begin(), d->data.end()) == data);
  // The data is a view into the payload, not a copy.
  CHECK(d->data.data() == payload.data() + payload.size() - data.size());
}

TEST_CASE("A video chunk that ends its frame exactly is accepted", "[protocol][messages]") {
  const auto p = video_payload(1000, 400, 600);
  const auto d = proto::decode_video_chunk(p);
  REQUIRE(d.has_value());
  CHECK(d->data.size() == 600);
}

// ---------------------------------------------------------------- rejections

TEST_CASE("Truncated payloads are rejected as bad_length", "[protocol][messages]") {
  proto::hello h;
  h.name = "alice";
  const auto hello_bytes = hello_payload(proto::encode_greeting(h));
  const std::span<const std::uint8_t> hello(hello_bytes);
  const auto text_frame = proto::encode(proto::text_message{1, 2, "alice", "hi"});
  const auto text = payload_of(text_frame, frame_type::text);
  auto video = video_payload(10, 0, 10);

  SECTION("hello cut anywhere") {
    for (std::size_t n = 0; n < hello.size(); ++n) {
      INFO("hello cut to " << n << " bytes");
      CHECK(error_of(proto::decode_hello(hello.first(n))) == errc::bad_length);
    }
  }
  SECTION("hello with a trailing byte") {
    bytes longer(hello.begin(), hello.end());
    longer.push_back('!');
    CHECK(error_of(proto::decode_hello(longer)) == errc::bad_length);
  }
  SECTION("text cut inside its fixed fields or its origin") {
    for (std::size_t n = 0; n < proto::text_fixed_bytes + 5; ++n) {
      INFO("text cut to " << n << " bytes");
      CHECK(error_of(proto::decode_text(text.first(n))) == errc::bad_length);
    }
  }
  SECTION("video cut inside its fixed fields or its origin") {
    for (std::size_t n = 0; n < proto::video_fixed_bytes + 3; ++n) {
      INFO("video chunk cut to " << n << " bytes");
      CHECK(error_of(proto::decode_video_chunk(std::span<const std::uint8_t>(video).first(n))) == errc::bad_length);
    }
  }
  SECTION("fixed-size frames one byte short or long") {
    const bytes seven(7, 0), nine(9, 0), twenty_three(23, 0), twenty_five(25, 0);
    CHECK(error_of(proto::decode_ping(seven)) == errc::bad_length);
    CHECK(error_of(proto::decode_ping(nine)) == errc::bad_length);
    CHECK(error_of(proto::decode_pong(twenty_three)) == errc::bad_length);
    CHECK(error_of(proto::decode_pong(twenty_five)) == errc::bad_length);
    CHECK(error_of(proto::decode_ack(seven)) == errc::bad_length);
    CHECK(error_of(proto::decode_ack(nine)) == errc::bad_length);
    CHECK(error_of(proto::decode_ping({})) == errc::bad_length);
  }
  SECTION("bye without its reason byte") { CHECK(error_of(proto::decode_bye({})) == errc::bad_length); }
}

TEST_CASE("A text body over max_text_bytes is rejected", "[protocol][messages]") {
  bytes p;
  append_be(p, 1, 8);
  append_be(p, 2, 8);
  p.push_back(1);
  p.push_back('o');
  p.insert(p.end(), proto::max_text_bytes + 1, 'b');
  CHECK(error_of(proto::decode_text(p)) == errc::frame_too_large);
}

TEST_CASE("Invalid UTF-8 in a name, origin or text is rejected as bad_utf8", "[protocol][messages]") {
  const std::string bad[] = {"\xFF", "ok\xC3", "\xED\xA0\x80", "\xC0\x80", "\xF4\x90\x80\x80"};
  for (const auto& s : bad) {
    INFO("bytes of length " << s.size());
    proto::hello h;
    h.name = s;
    CHECK(error_of(proto::decode_hello(hello_payload(proto::encode_greeting(h)))) == errc::bad_utf8);

    const auto body_bad = proto::encode(proto::text_message{1, 2, "alice", "fine " + s});
    CHECK(error_of(proto::decode_text(payload_of(body_bad, frame_type::text))) == errc::bad_utf8);
    const auto origin_bad = proto::encode(proto::text_message{1, 2, s, "fine"});
    CHECK(error_of(proto::decode_text(payload_of(origin_bad, frame_type::text))) == errc::bad_utf8);

    const auto video = video_payload(10, 0, 10, s);
    CHECK(error_of(proto::decode_video_chunk(video)) == errc::bad_utf8);

    const auto bye = proto::encode(proto::bye{proto::bye_reason::normal, s});
    CHECK(error_of(proto::decode_bye(payload_of(bye, frame_type::bye))) == errc::bad_utf8);
  }
}

TEST_CASE("A control character in a name or origin is rejected as bad_name; in a text it is kept",
          "[protocol][messages]") {
  const std::string bad[] = {"x\ny",
                             "tab\there",
                             "cr\r",
                             "\x1b[2J",
                             "del\x7f",
                             "csi\xC2\x9B"
                             "2J",
                             "\xC2\x80"};
  for (const auto& s : bad) {
    INFO("bytes of length " << s.size());
    proto::hello h;
    h.name = s;
    CHECK(error_of(proto::decode_hello(hello_payload(proto::encode_greeting(h)))) == errc::bad_name);
    const auto origin_bad = proto::encode(proto::text_message{1, 2, s, "fine"});
    CHECK(error_of(proto::decode_text(payload_of(origin_bad, frame_type::text))) == errc::bad_name);
    CHECK(error_of(proto::decode_video_chunk(video_payload(10, 0, 10, s))) == errc::bad_name);
    // A message may have several lines: the places it goes show them safely.
    const auto body = proto::encode(proto::text_message{1, 2, "alice", "fine " + s});
    CHECK(proto::decode_text(payload_of(body, frame_type::text)).has_value());
  }
  // Not controls: U+00A0 and U+00BF share the lead byte C2 with C1.
  proto::hello h;
  h.name = "nb\xC2\xA0sp \xC2\xBF " + name_utf8;
  CHECK(proto::decode_hello(hello_payload(proto::encode_greeting(h))).has_value());
}

TEST_CASE("A hello name longer than max_name_bytes is rejected", "[protocol][messages]") {
  bytes p;
  append_be(p, proto::protocol_version, 2);
  append_be(p, 1, 8);
  append_be(p, 0, 4);
  p.push_back(static_cast<std::uint8_t>(proto::max_name_bytes + 1));
  p.insert(p.end(), proto::max_name_bytes + 1, 'n');
  CHECK_FALSE(proto::decode_hello(p).has_value());
}

TEST_CASE("Inconsistent video chunks are rejected as bad_video_chunk", "[protocol][messages]") {
  SECTION("offset plus size past the total") {
    CHECK(error_of(proto::decode_video_chunk(video_payload(1000, 500, 501))) == errc::bad_video_chunk);
    CHECK(error_of(proto::decode_video_chunk(video_payload(10, 0, 11))) == errc::bad_video_chunk);
  }
  SECTION("offset past the total") {
    CHECK(error_of(proto::decode_video_chunk(video_payload(100, 200, 1))) == errc::bad_video_chunk);
  }
  SECTION("offsets near 2^32 do not wrap around") {
    CHECK(error_of(proto::decode_video_chunk(video_payload(1000, 0xFFFFFFF0u, 32))) == errc::bad_video_chunk);
  }
  SECTION("no data") { CHECK(error_of(proto::decode_video_chunk(video_payload(1000, 0, 0))) == errc::bad_video_chunk); }
  SECTION("a total of zero") {
    CHECK(error_of(proto::decode_video_chunk(video_payload(0, 0, 1))) == errc::bad_video_chunk);
  }
  SECTION("a total over max_video_frame_bytes") {
    const auto too_big = static_cast<std::uint32_t>(proto::max_video_frame_bytes + 1);
    CHECK(error_of(proto::decode_video_chunk(video_payload(too_big, 0, 100))) == errc::bad_video_chunk);
    // The limit itself is fine.
    CHECK(proto::decode_video_chunk(video_payload(static_cast<std::uint32_t>(proto::max_video_frame_bytes), 0, 100))
              .has_value());
  }
  SECTION("more data than one chunk may carry") {
    CHECK(error_of(proto::decode_video_chunk(video_payload(100000, 0, proto::video_chunk_bytes + 1))) ==
          errc::bad_video_chunk);
  }
}
