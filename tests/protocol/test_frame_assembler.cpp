// protocol::frame_assembler: whole JPEG frames rebuilt from in-order chunks; anything else is an error.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/frame_assembler.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/video/encoded_frame.hpp"

namespace proto = chatnode::protocol;
using chatnode::protocol::frame_assembler;
using proto::errc;

namespace {

std::vector<std::uint8_t> make_jpeg(std::size_t size, std::uint8_t salt = 0) {
  std::vector<std::uint8_t> jpeg(size);
  for (std::size_t i = 0; i < size; ++i) jpeg[i] = static_cast<std::uint8_t>(i * 13 + salt);
  return jpeg;
}

/// A chunk of `jpeg` at [offset, offset + size), its header describing frame `seq`.
proto::video_chunk chunk_of(const std::vector<std::uint8_t>& jpeg, std::uint32_t seq, std::size_t offset,
                            std::size_t size) {
  proto::video_chunk c;
  c.header.frame_seq = seq;
  c.header.total_bytes = static_cast<std::uint32_t>(jpeg.size());
  c.header.offset = static_cast<std::uint32_t>(offset);
  c.header.capture_us = 1000 + seq;
  c.header.width = 320;
  c.header.height = 240;
  c.header.origin = "cam";
  c.data = std::span<const std::uint8_t>(jpeg).subspan(offset, size);
  return c;
}

bool is_bad_chunk(const boost::system::result<std::optional<chatnode::protocol::received_frame>>& r) {
  return r.has_error() && r.error() == errc::bad_video_chunk;
}

}  // namespace

TEST_CASE("In-order chunks give one frame equal to the original bytes", "[video][assembler]") {
  const auto jpeg = make_jpeg(1000);
  frame_assembler a;
  CHECK_FALSE(a.in_progress());

  auto r0 = a.add(chunk_of(jpeg, 5, 0, 400));
  REQUIRE(r0.has_value());
  CHECK_FALSE(r0->has_value());
  CHECK(a.in_progress());
  auto r1 = a.add(chunk_of(jpeg, 5, 400, 400));
  REQUIRE(r1.has_value());
  CHECK_FALSE(r1->has_value());
  CHECK(a.in_progress());
  auto r2 = a.add(chunk_of(jpeg, 5, 800, 200));
  REQUIRE(r2.has_value());
  REQUIRE(r2->has_value());
  CHECK_FALSE(a.in_progress());

  const auto& f = **r2;
  CHECK(f.jpeg == jpeg);
  CHECK(f.header.frame_seq == 5);
  CHECK(f.header.total_bytes == 1000);
  CHECK(f.header.capture_us == 1005);
  CHECK(f.header.width == 320);
  CHECK(f.header.height == 240);
  CHECK(f.header.origin == "cam");
}

TEST_CASE("A one-chunk frame completes at once", "[video][assembler]") {
  const auto jpeg = make_jpeg(10);
  frame_assembler a;
  auto r = a.add(chunk_of(jpeg, 1, 0, 10));
  REQUIRE(r.has_value());
  REQUIRE(r->has_value());
  CHECK((*r)->jpeg == jpeg);
  CHECK_FALSE(a.in_progress());
}

TEST_CASE("Frames follow one another", "[video][assembler]") {
  const auto first = make_jpeg(300, 1);
  const auto second = make_jpeg(500, 2);
  frame_assembler a;
  REQUIRE(a.add(chunk_of(first, 1, 0, 200)).has_value());
  auto done1 = a.add(chunk_of(first, 1, 200, 100));
  REQUIRE(done1.has_value());
  REQUIRE(done1->has_value());
  CHECK((*done1)->jpeg == first);

  REQUIRE(a.add(chunk_of(second, 2, 0, 250)).has_value());
  auto done2 = a.add(chunk_of(second, 2, 250, 250));
  REQUIRE(done2.has_value());
  REQUIRE(done2->has_value());
  CHECK((*done2)->jpeg == second);
  CHECK((*done2)->header.frame_seq == 2);
}

TEST_CASE("Chunks of an encoded frame, decoded from the wire, reassemble into its JPEG", "[video][assembler]") {
  const chatnode::video::encoded_frame f(17, 123, 640, 480, "sender", make_jpeg(100000), {});
  REQUIRE(f.chunk_count() == 4);
  frame_assembler a;
  std::optional<chatnode::protocol::received_frame> done;
  for (std::size_t i = 0; i < f.chunk_count(); ++i) {
    INFO("chunk " << i);
    CHECK_FALSE(done.has_value());
    // The payload as a receiver sees it: prefix minus the header, then the data.
    const auto prefix = f.chunk_prefix(f.chunk_at(i));
    std::vector<std::uint8_t> payload(prefix.begin() + proto::header_size, prefix.end());
    const auto data = f.chunk_data(f.chunk_at(i));
    payload.insert(payload.end(), data.begin(), data.end());
    const auto c = proto::decode_video_chunk(payload);
    REQUIRE(c.has_value());
    auto r = a.add(*c);
    REQUIRE(r.has_value());
    if (r->has_value()) done = std::move(**r);
  }
  REQUIRE(done.has_value());
  CHECK(done->jpeg == f.jpeg());
  CHECK(done->header.frame_seq == 17);
  CHECK(done->header.origin == "sender");
}

TEST_CASE("A first chunk that does not start at offset 0 is rejected", "[video][assembler]") {
  const auto jpeg = make_jpeg(1000);
  frame_assembler a;
  CHECK(is_bad_chunk(a.add(chunk_of(jpeg, 1, 400, 400))));
  CHECK_FALSE(a.in_progress());
}

TEST_CASE("A gap between chunks is rejected", "[video][assembler]") {
  const auto jpeg = make_jpeg(1000);
  frame_assembler a;
  REQUIRE(a.add(chunk_of(jpeg, 1, 0, 400)).has_value());
  CHECK(is_bad_chunk(a.add(chunk_of(jpeg, 1, 401, 400))));
}

TEST_CASE("Overlapping chunks are rejected", "[video][assembler]") {
  const auto jpeg = make_jpeg(1000);
  SECTION("a chunk starting inside the previous one") {
    frame_assembler a;
    REQUIRE(a.add(chunk_of(jpeg, 1, 0, 400)).has_value());
    CHECK(is_bad_chunk(a.add(chunk_of(jpeg, 1, 399, 400))));
  }
  SECTION("the first chunk again") {
    frame_assembler a;
    REQUIRE(a.add(chunk_of(jpeg, 1, 0, 400)).has_value());
    CHECK(is_bad_chunk(a.add(chunk_of(jpeg, 1, 0, 400))));
  }
}

TEST_CASE("A different frame mid-frame is rejected", "[video][assembler]") {
  const auto jpeg = make_jpeg(1000);
  SECTION("another frame_seq") {
    frame_assembler a;
    REQUIRE(a.add(chunk_of(jpeg, 1, 0, 400)).has_value());
    CHECK(is_bad_chunk(a.add(chunk_of(jpeg, 2, 400, 400))));
  }
  SECTION("a new frame starting at offset 0 before the old one finished") {
    frame_assembler a;
    REQUIRE(a.add(chunk_of(jpeg, 1, 0, 400)).has_value());
    CHECK(is_bad_chunk(a.add(chunk_of(jpeg, 2, 0, 400))));
  }
  SECTION("another total size") {
    const auto longer = make_jpeg(2000);
    frame_assembler a;
    REQUIRE(a.add(chunk_of(jpeg, 1, 0, 400)).has_value());
    CHECK(is_bad_chunk(a.add(chunk_of(longer, 1, 400, 400))));
  }
  SECTION("another origin") {
    frame_assembler a;
    REQUIRE(a.add(chunk_of(jpeg, 1, 0, 400)).has_value());
    auto c = chunk_of(jpeg, 1, 400, 400);
    c.header.origin = "someone else";
    CHECK(is_bad_chunk(a.add(c)));
  }
}

TEST_CASE("in_progress tells that a stream ended inside a frame", "[video][assembler]") {
  const auto jpeg = make_jpeg(100);
  frame_assembler a;
  CHECK_FALSE(a.in_progress());
  REQUIRE(a.add(chunk_of(jpeg, 1, 0, 50)).has_value());
  CHECK(a.in_progress());
  REQUIRE(a.add(chunk_of(jpeg, 1, 50, 50)).has_value());
  CHECK_FALSE(a.in_progress());
}
