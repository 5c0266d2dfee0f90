// frame_parser on valid streams: the grind tests follow Boost.Beast's
// parsegrind (the same frames however the bytes are split across reads), and
// random bytes after a greeting never hang or crash it.
#include <catch2/catch.hpp>

#include "parser_fixture.hpp"

using namespace parser_test;

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
    if (!d.violation().empty())
      problem = d.violation();
    else if (d.error())
      problem = "error: " + d.error().message();
    else if (d.buffered() != 0)
      problem = "bytes left over";
    else if (d.frames() != s.expected)
      problem = "different frames";
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
    if (d.error())
      ++errors[d.error().value()];
    else
      ++ended_need_more;
    if (!d.frames().empty()) frames_after_hello += d.frames().size() - 1;

    // Whatever the parser let through, the typed decoders must survive it.
    for (std::size_t i = 1; i < d.frames().size(); ++i) {
      const auto& f = d.frames()[i];
      switch (static_cast<frame_type>(f.type)) {
        case frame_type::text:
          (void)proto::decode_text(f.payload);
          break;
        case frame_type::video_chunk:
          if (auto c = proto::decode_video_chunk(f.payload)) {
            CHECK(c->data.data() + c->data.size() == f.payload.data() + f.payload.size());
          }
          break;
        case frame_type::ping:
          CHECK(proto::decode_ping(f.payload).has_value());
          break;
        case frame_type::pong:
          CHECK(proto::decode_pong(f.payload).has_value());
          break;
        case frame_type::ack:
          CHECK(proto::decode_ack(f.payload).has_value());
          break;
        case frame_type::bye:
          (void)proto::decode_bye(f.payload);
          break;
        default:
          break;
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
