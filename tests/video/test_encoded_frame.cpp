// video::encoded_frame: one JPEG cut into protocol chunks, prefixes serialised once.
#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/endian/conversion.hpp>

#include "chatnode/protocol/frame_parser.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"

#include "protocol/parser_fixture.hpp"

namespace proto = chatnode::protocol;
using proto::bytes;
using proto::frame_type;

namespace {

using parser_test::name_utf8;

/// Every frame in `stream` (preamble, hello, then anything), copied out.
std::vector<std::pair<std::uint8_t, bytes>> parse_all(const bytes& stream) {
  proto::frame_parser parser;
  std::vector<std::pair<std::uint8_t, bytes>> frames;
  std::span<const std::uint8_t> rest(stream);
  for (std::size_t guard = 0; guard <= stream.size() && !rest.empty(); ++guard) {
    const auto r = parser.parse(rest);
    REQUIRE(r.status == proto::parse_status::frame);
    frames.emplace_back(r.type, bytes(r.payload.begin(), r.payload.end()));
    rest = rest.subspan(r.consumed);
  }
  REQUIRE(rest.empty());
  return frames;
}

}  // namespace

TEST_CASE("An encoded frame splits a JPEG into chunks that parse back into it", "[protocol][video]") {
  constexpr std::size_t size = 100000;
  std::vector<std::uint8_t> jpeg(size);
  for (std::size_t i = 0; i < size; ++i) jpeg[i] = static_cast<std::uint8_t>((i * 131) ^ (i >> 8));
  const auto original = jpeg;
  const chatnode::video::encoded_frame f(42, 1'700'000'000'000'000ull, 1280, 720, name_utf8, std::move(jpeg), {});

  const std::size_t chunks = (size + proto::video_chunk_bytes - 1) / proto::video_chunk_bytes;
  REQUIRE(chunks == 4);
  REQUIRE(f.chunk_count() == chunks);
  CHECK(f.jpeg() == original);

  // The data slices concatenate back to the JPEG.
  bytes joined;
  for (std::size_t i = 0; i < f.chunk_count(); ++i) {
    const auto d = f.chunk_data(f.chunk_at(i));
    CHECK(d.size() == (i + 1 < chunks ? proto::video_chunk_bytes : size - (chunks - 1) * proto::video_chunk_bytes));
    joined.insert(joined.end(), d.begin(), d.end());
  }
  CHECK(joined == original);

  // On the wire, each prefix and its data are one frame the parser and decoder accept.
  proto::hello h;
  h.name = "sender";
  bytes stream = proto::encode_greeting(h);
  for (std::size_t i = 0; i < f.chunk_count(); ++i) {
    const auto prefix = f.chunk_prefix(f.chunk_at(i));
    stream.insert(stream.end(), prefix.begin(), prefix.end());
    const auto d = f.chunk_data(f.chunk_at(i));
    stream.insert(stream.end(), d.begin(), d.end());
  }
  const auto frames = parse_all(stream);
  REQUIRE(frames.size() == chunks + 1);
  for (std::size_t i = 0; i < chunks; ++i) {
    INFO("chunk " << i);
    const auto& [type, payload] = frames[i + 1];
    CHECK(type == static_cast<std::uint8_t>(frame_type::video_chunk));
    const auto c = proto::decode_video_chunk(payload);
    REQUIRE(c.has_value());
    CHECK(c->header.frame_seq == 42);
    CHECK(c->header.total_bytes == size);
    CHECK(c->header.offset == i * proto::video_chunk_bytes);
    CHECK(c->header.capture_us == 1'700'000'000'000'000ull);
    CHECK(c->header.width == 1280);
    CHECK(c->header.height == 720);
    CHECK(c->header.origin == name_utf8);
    const auto expected = f.chunk_data(f.chunk_at(i));
    CHECK(bytes(c->data.begin(), c->data.end()) == bytes(expected.begin(), expected.end()));
  }
}

TEST_CASE("An encoded frame smaller than one chunk has one chunk", "[protocol][video]") {
  const chatnode::video::encoded_frame f(1, 2, 3, 4, "o", std::vector<std::uint8_t>(10, 1), {});
  REQUIRE(f.chunk_count() == 1);
  CHECK(f.chunk_data(f.chunk_at(0)).size() == 10);
  CHECK(boost::endian::load_big_u32(&f.chunk_prefix(f.chunk_at(0))[4]) == proto::video_fixed_bytes + 1 + 10);
}

TEST_CASE("An encoded frame of exactly two chunks has no empty third chunk", "[protocol][video]") {
  const chatnode::video::encoded_frame f(1, 2, 3, 4, "o", std::vector<std::uint8_t>(2 * proto::video_chunk_bytes, 1),
                                         {});
  REQUIRE(f.chunk_count() == 2);
  CHECK(f.chunk_data(f.chunk_at(1)).size() == proto::video_chunk_bytes);
}

TEST_CASE("An encoded frame refuses an empty or oversized JPEG", "[protocol][video]") {
  CHECK_THROWS_AS(chatnode::video::encoded_frame(1, 2, 3, 4, "o", {}, {}), std::length_error);
  CHECK_THROWS_AS(
      chatnode::video::encoded_frame(1, 2, 3, 4, "o", std::vector<std::uint8_t>(proto::max_video_frame_bytes + 1), {}),
      std::length_error);
}
