// frame_parser on invalid streams: each mistake is rejected with its own
// error, as early as the bytes allow.
#include <catch2/catch.hpp>

#include "parser_fixture.hpp"

using namespace parser_test;

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
  const std::uint8_t types[] = {type_byte(frame_type::hello),
                                type_byte(frame_type::text),
                                type_byte(frame_type::video_chunk),
                                type_byte(frame_type::ping),
                                type_byte(frame_type::pong),
                                type_byte(frame_type::ack),
                                type_byte(frame_type::bye),
                                unknown_type,
                                0x00};
  for (const auto type : types) {
    for (const std::uint64_t length : {std::uint64_t{proto::max_payload(type)} + 1, std::uint64_t{0xFFFFFFFF}}) {
      INFO("type 0x" << std::hex << int(type) << std::dec << ", length " << length);
      driver d;
      if (type == type_byte(frame_type::hello))
        d.feed(preamble_bytes());
      else
        d = greeted_driver();
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
  struct wrong {
    frame_type type;
    std::uint32_t length;
  };
  const wrong cases[] = {{frame_type::ping, 0},  {frame_type::ping, 7}, {frame_type::pong, 0}, {frame_type::pong, 8},
                         {frame_type::pong, 23}, {frame_type::ack, 0},  {frame_type::ack, 7}};
  for (const auto& c : cases) {
    INFO("frame type " << static_cast<int>(c.type) << " with length " << c.length);
    auto d = greeted_driver();
    d.feed(header(type_byte(c.type), c.length));
    CHECK(d.error() == errc::bad_length);
  }
}

TEST_CASE("The first frame must be hello", "[protocol][parser]") {
  for (const auto& frame : {proto::encode(proto::ping{1}), proto::encode(proto::text_message{1, 2, "a", "b"}),
                            proto::encode(proto::ack{1})}) {
    INFO("first frame type " << int(frame[0]));
    driver d;
    d.feed(preamble_bytes());
    d.feed(frame);
    CHECK(d.error() == errc::hello_expected);
    CHECK(d.frames().empty());
    CHECK_FALSE(d.parser().hello_seen());
  }
  SECTION("but a bye may stand in for it: a refusal before the handshake") {
    driver d;
    d.feed(preamble_bytes());
    d.feed(proto::encode(proto::bye{proto::bye_reason::tls_required, "TLS only"}));
    CHECK_FALSE(d.error());
    REQUIRE(d.frames().size() == 1);
    CHECK_FALSE(d.parser().hello_seen());
  }
  SECTION("even a frame of unknown type") {
    driver d;
    d.feed(preamble_bytes());
    d.feed(header(unknown_type, 0));
    CHECK(d.error() == errc::hello_expected);
  }
}

TEST_CASE("An auth frame in a session's stream is refused, before the hello as a secret the peer requires",
          "[protocol][parser][auth]") {
  for (const auto type : {proto::auth_frame_type::challenge, proto::auth_frame_type::proof}) {
    INFO("auth frame type " << int(type));
    driver before;
    before.feed(preamble_bytes());
    before.feed(header(static_cast<std::uint8_t>(type), 32));
    CHECK(before.error() == errc::secret_required);
    CHECK(before.error().message() == "the peer requires a secret (--secret or CHAT_NODE_SECRET)");

    auto after = greeted_driver();
    after.feed(header(static_cast<std::uint8_t>(type), 32));
    CHECK(after.error() == errc::auth_out_of_place);
    CHECK(after.frames().size() == 1);
  }
}

TEST_CASE("A parser made after_preamble starts at the hello", "[protocol][parser][auth]") {
  auto p = proto::frame_parser::after_preamble();
  const auto hello = proto::encode(proto::hello{1, 7, proto::cap_text, "bob"});
  const auto r = p.parse(hello);
  CHECK(r.status == proto::parse_status::frame);
  CHECK(r.consumed == hello.size());
  CHECK(p.hello_seen());
  // The preamble itself is then not expected: its first byte is no frame type.
  auto q = proto::frame_parser::after_preamble();
  CHECK(q.parse(greeting()).status == proto::parse_status::error);
}

TEST_CASE("A second hello is a duplicate", "[protocol][parser]") {
  auto d = greeted_driver();
  d.feed(proto::encode(proto::ping{1}));
  const auto again = greeting();
  d.feed(std::span<const std::uint8_t>(again).subspan(proto::preamble.size()));
  CHECK(d.error() == errc::duplicate_hello);
  CHECK(d.frames().size() == 2);
}
