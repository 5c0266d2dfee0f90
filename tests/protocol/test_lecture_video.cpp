// The teaching video chat's framing: the 16-byte length header and the
// incremental parser, which must give the same frames however the bytes are
// split (as frame_parser's grind tests do), and refuse bad headers and payloads.
#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/lecture_video.hpp"

namespace proto = chatnode::protocol;
using proto::errc;
using proto::parse_status;

namespace {

std::vector<std::uint8_t> as_bytes(std::string_view s) { return {s.begin(), s.end()}; }

/// A fake JPEG of `n` bytes: the start-of-image marker, then a pattern.
std::string jpeg(std::size_t n, char fill) {
  std::string j(n, fill);
  j[0] = '\xFF';
  j[1] = '\xD8';
  return j;
}

std::string framed(const std::string& payload) {
  const auto h = proto::encode_lecture_header(payload.size());
  return std::string(h.begin(), h.end()) + payload;
}

/// Feeds `stream` in pieces of `step` bytes like a session does; returns the
/// payloads, and the error that stopped parsing (if any).
struct outcome {
  std::vector<std::string> frames;
  boost::system::error_code error;
};
outcome drive(const std::string& stream, std::size_t step) {
  outcome o;
  proto::lecture_parser parser;
  std::vector<std::uint8_t> buffer;
  for (std::size_t at = 0; at < stream.size() && !o.error; at += step) {
    const auto piece = stream.substr(at, step);
    buffer.insert(buffer.end(), piece.begin(), piece.end());
    for (;;) {
      const auto r = parser.parse(buffer);
      if (r.status == parse_status::error) {
        o.error = r.error;
        break;
      }
      if (r.status == parse_status::need_more) break;
      o.frames.emplace_back(r.payload.begin(), r.payload.end());
      buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(r.consumed));
    }
  }
  return o;
}

boost::system::result<std::size_t> header(std::string_view h) {
  REQUIRE(h.size() == proto::lecture_header_bytes);
  const auto b = as_bytes(h);
  return proto::decode_lecture_header(std::span<const std::uint8_t, proto::lecture_header_bytes>(b.data(), b.size()));
}

}  // namespace

TEST_CASE("The header is the length in decimal, left-aligned and padded with spaces", "[lecture]") {
  const auto h = proto::encode_lecture_header(48213);
  CHECK(std::string(h.begin(), h.end()) == "48213           ");
  CHECK(header("48213           ").value() == 48213);
  CHECK(header("1               ").value() == 1);
  CHECK(header("16777216        ").value() == proto::max_lecture_frame_bytes);
}

TEST_CASE("A header that is not digits then spaces is refused", "[lecture]") {
  for (const auto* bad : {"12ab            ", "-5              ", " 12             ", "+12             ",
                          "12 3            ", "                ", "12\n             ", "0x10            "}) {
    INFO("header \"" << bad << "\"");
    CHECK(header(bad).error() == errc::bad_lecture_header);
  }
}

TEST_CASE("A length of zero or over the limit is refused from the header alone", "[lecture]") {
  CHECK(header("0               ").error() == errc::bad_lecture_length);
  CHECK(header("16777217        ").error() == errc::bad_lecture_length);
  CHECK(header("9999999999999999").error() == errc::bad_lecture_length);
  const auto o = drive("99999999        ", 16);
  CHECK(o.error == errc::bad_lecture_length);
}

TEST_CASE("Frames come out whole however the stream is split", "[lecture]") {
  const std::string good = framed(jpeg(2, 'a')) + framed(jpeg(300, 'b')) + framed(jpeg(5000, 'c'));
  const auto whole = drive(good, good.size());
  REQUIRE_FALSE(whole.error);
  REQUIRE(whole.frames == std::vector<std::string>{jpeg(2, 'a'), jpeg(300, 'b'), jpeg(5000, 'c')});
  for (std::size_t step : {1u, 2u, 3u, 15u, 16u, 17u, 299u, 4096u}) {
    INFO("pieces of " << step << " bytes");
    const auto o = drive(good, step);
    CHECK_FALSE(o.error);
    CHECK(o.frames == whole.frames);
  }
}

TEST_CASE("A payload that does not start as a JPEG is refused as soon as its first bytes arrive", "[lecture]") {
  CHECK(drive(framed("0123456789"), 1).error == errc::not_jpeg);
  CHECK(drive(framed("\xFF"
                     "x23456789"),
              1)
            .error == errc::not_jpeg);
  // Refused before the rest of a large payload is buffered.
  proto::lecture_parser parser;
  const auto start = as_bytes("1000000         <html>");
  CHECK(parser.parse(start).error == errc::not_jpeg);
}

TEST_CASE("A stream that stops inside a frame gives nothing partial", "[lecture]") {
  const auto frame = framed(jpeg(100, 'd'));
  for (std::size_t cut = 0; cut < frame.size(); ++cut) {
    const auto o = drive(frame.substr(0, cut), 7);
    CHECK_FALSE(o.error);
    CHECK(o.frames.empty());
  }
}
