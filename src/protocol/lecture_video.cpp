#include "chatnode/protocol/lecture_video.hpp"

#include <algorithm>
#include <string>

#include "chatnode/protocol/errors.hpp"

namespace chatnode::protocol {
namespace {

constexpr std::uint8_t jpeg_soi[] = {0xFF, 0xD8};

parse_result fail(boost::system::error_code ec) {
  parse_result r;
  r.status = parse_status::error;
  r.error = ec;
  return r;
}

}  // namespace

std::array<std::uint8_t, lecture_header_bytes> encode_lecture_header(std::size_t length) {
  std::array<std::uint8_t, lecture_header_bytes> h;
  h.fill(' ');
  const auto digits = std::to_string(length);
  std::copy(digits.begin(), digits.end(), h.begin());
  return h;
}

boost::system::result<std::size_t> decode_lecture_header(std::span<const std::uint8_t, lecture_header_bytes> h) {
  std::size_t length = 0, i = 0;
  for (; i < h.size() && h[i] >= '0' && h[i] <= '9'; ++i) {
    length = length * 10 + (h[i] - '0');
    // Stop counting once over the limit, so sixteen nines cannot overflow.
    if (length > max_lecture_frame_bytes) return make_error_code(errc::bad_lecture_length);
  }
  if (i == 0 || std::any_of(h.begin() + i, h.end(), [](std::uint8_t c) { return c != ' '; }))
    return make_error_code(errc::bad_lecture_header);
  if (length == 0) return make_error_code(errc::bad_lecture_length);
  return length;
}

parse_result lecture_parser::parse(std::span<const std::uint8_t> data) {
  if (data.size() < lecture_header_bytes) return {};
  const auto length = decode_lecture_header(data.first<lecture_header_bytes>());
  if (!length) return fail(length.error());
  const auto payload = data.subspan(lecture_header_bytes);
  const auto soi = std::min({payload.size(), *length, sizeof jpeg_soi});
  if (!std::equal(payload.begin(), payload.begin() + soi, jpeg_soi)) return fail(make_error_code(errc::not_jpeg));
  if (payload.size() < *length) return {};
  parse_result r;
  r.status = parse_status::frame;
  r.payload = payload.first(*length);
  r.consumed = lecture_header_bytes + *length;
  return r;
}

}  // namespace chatnode::protocol
