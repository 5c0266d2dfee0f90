#include "chatnode/protocol/frame_parser.hpp"

#include <algorithm>

#include <boost/endian/conversion.hpp>

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/frame.hpp"

namespace chatnode::protocol {
namespace {

parse_result fail(std::size_t consumed, errc e) {
  parse_result r;
  r.status = parse_status::error;
  r.consumed = consumed;
  r.error = make_error_code(e);
  return r;
}

constexpr bool fixed_size(std::uint8_t type, std::size_t& size) {
  switch (static_cast<frame_type>(type)) {
    case frame_type::ping:
      size = ping_bytes;
      return true;
    case frame_type::pong:
      size = pong_bytes;
      return true;
    case frame_type::ack:
      size = ack_bytes;
      return true;
    default:
      return false;
  }
}

}  // namespace

parse_result frame_parser::parse(std::span<const std::uint8_t> data) {
  std::size_t skipped = 0;
  if (!preamble_seen_) {
    // Compare what has arrived so far: a wrong first byte is an error at once,
    // without waiting for the rest of the preamble.
    const auto n = std::min(data.size(), preamble.size());
    if (!std::equal(data.begin(), data.begin() + n, preamble.begin())) return fail(0, errc::bad_preamble);
    if (n < preamble.size()) return {};
    preamble_seen_ = true;
    skipped = preamble.size();
    data = data.subspan(skipped);
  }

  parse_result r;
  r.consumed = skipped;
  if (data.size() < header_size) return r;

  const std::uint8_t type = data[0];
  const std::uint8_t flags = data[1];
  const std::uint16_t reserved = boost::endian::load_big_u16(&data[2]);
  const std::uint32_t length = boost::endian::load_big_u32(&data[4]);
  if (flags != 0 || reserved != 0) return fail(skipped, errc::bad_header);
  if (length > max_payload(type)) return fail(skipped, errc::frame_too_large);
  if (std::size_t fixed = 0; fixed_size(type, fixed) && length != fixed) return fail(skipped, errc::bad_length);

  // A peer with a secret opens with its challenge: say so rather than "hello expected".
  if (is_auth_frame(type)) return fail(skipped, hello_seen_ ? errc::auth_out_of_place : errc::secret_required);
  const bool is_hello = type == static_cast<std::uint8_t>(frame_type::hello);
  // A bye may stand in for hello: a refusal before the handshake (TLS required).
  const bool is_bye = type == static_cast<std::uint8_t>(frame_type::bye);
  if (!hello_seen_ && !is_hello && !is_bye) return fail(skipped, errc::hello_expected);
  if (hello_seen_ && is_hello) return fail(skipped, errc::duplicate_hello);

  if (data.size() < header_size + length) return r;
  hello_seen_ = hello_seen_ || is_hello;
  r.status = parse_status::frame;
  r.type = type;
  r.payload = data.subspan(header_size, length);
  r.consumed = skipped + header_size + length;
  return r;
}

}  // namespace chatnode::protocol
