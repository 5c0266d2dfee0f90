#include "chatnode/protocol/messages.hpp"

#include <algorithm>
#include <optional>

#include <boost/endian/conversion.hpp>

#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/utf8.hpp"

namespace chatnode::protocol {
namespace {

class writer {
 public:
  writer(frame_type type, std::size_t payload_size) {
    out_.reserve(header_size + payload_size);
    u8(static_cast<std::uint8_t>(type));
    u8(0);
    u16(0);
    u32(static_cast<std::uint32_t>(payload_size));
  }
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put(boost::endian::native_to_big(v)); }
  void u32(std::uint32_t v) { put(boost::endian::native_to_big(v)); }
  void u64(std::uint64_t v) { put(boost::endian::native_to_big(v)); }
  void str8(const std::string& s) {
    u8(static_cast<std::uint8_t>(s.size()));
    raw(s);
  }
  void raw(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  bytes take() { return std::move(out_); }

 private:
  template <class T>
  void put(T v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    out_.insert(out_.end(), p, p + sizeof v);
  }
  bytes out_;
};

// Bounds-checked reading; any overrun marks the reader failed and yields zeros.
class reader {
 public:
  explicit reader(std::span<const std::uint8_t> p) : p_(p) {}
  std::uint8_t u8() { return take(1) ? p_[pos_ - 1] : 0; }
  std::uint16_t u16() { return take(2) ? boost::endian::load_big_u16(&p_[pos_ - 2]) : 0; }
  std::uint32_t u32() { return take(4) ? boost::endian::load_big_u32(&p_[pos_ - 4]) : 0; }
  std::uint64_t u64() { return take(8) ? boost::endian::load_big_u64(&p_[pos_ - 8]) : 0; }
  std::string str(std::size_t n) {
    if (!take(n)) return {};
    return {reinterpret_cast<const char*>(&p_[pos_ - n]), n};
  }
  std::string str8() { return str(u8()); }
  std::span<const std::uint8_t> rest() {
    auto r = ok_ ? p_.subspan(pos_) : std::span<const std::uint8_t>{};
    pos_ = p_.size();
    return r;
  }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == p_.size(); }

 private:
  bool take(std::size_t n) {
    if (!ok_ || p_.size() - pos_ < n) return ok_ = false;
    pos_ += n;
    return true;
  }
  std::span<const std::uint8_t> p_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

/// A name's error, if it has one: over the limit or not UTF-8, or a control character in it.
std::optional<errc> name_error(const std::string& s) {
  if (s.size() > max_name_bytes || !is_valid_utf8(s)) return errc::bad_utf8;
  if (has_control_characters(s)) return errc::bad_name;
  return std::nullopt;
}

std::string clip_name(const std::string& s) {
  // Names are validated at the command line; this only guards the one-byte length field.
  return std::string(utf8_prefix(s, max_name_bytes));
}

}  // namespace

bytes encode(const hello& h) {
  const auto name = clip_name(h.name);
  writer w(frame_type::hello, hello_fixed_bytes + name.size());
  w.u16(h.version);
  w.u64(h.node_id);
  w.u32(h.capabilities);
  w.str8(name);
  return w.take();
}

bytes encode_greeting(const hello& h) {
  const auto frame = encode(h);
  bytes out(preamble.size() + frame.size());
  std::copy(preamble.begin(), preamble.end(), out.begin());
  std::copy(frame.begin(), frame.end(), out.begin() + preamble.size());
  return out;
}

bytes encode(const text_message& m) {
  const auto origin = clip_name(m.origin);
  writer w(frame_type::text, text_fixed_bytes + origin.size() + m.body.size());
  w.u64(m.seq);
  w.u64(m.sent_us);
  w.str8(origin);
  w.raw(m.body);
  return w.take();
}

bytes encode(const ping& p) {
  writer w(frame_type::ping, ping_bytes);
  w.u64(p.t1_us);
  return w.take();
}

bytes encode(const pong& p) {
  writer w(frame_type::pong, pong_bytes);
  w.u64(p.t1_us);
  w.u64(p.t2_us);
  w.u64(p.t3_us);
  return w.take();
}

bytes encode(const ack& a) {
  writer w(frame_type::ack, ack_bytes);
  w.u64(a.seq);
  return w.take();
}

bytes encode(const bye& b) {
  const auto text = utf8_prefix(b.text, max_bye_text_bytes);
  writer w(frame_type::bye, 1 + text.size());
  w.u8(static_cast<std::uint8_t>(b.reason));
  w.raw(text);
  return w.take();
}

bytes encode_prefix(const video_chunk_header& h, std::size_t data_bytes) {
  const auto origin = clip_name(h.origin);
  writer w(frame_type::video_chunk, video_fixed_bytes + origin.size() + data_bytes);
  w.u32(h.frame_seq);
  w.u32(h.total_bytes);
  w.u32(h.offset);
  w.u64(h.capture_us);
  w.u16(h.width);
  w.u16(h.height);
  w.str8(origin);
  return w.take();
}

boost::system::result<hello> decode_hello(std::span<const std::uint8_t> payload) {
  reader r(payload);
  hello h;
  h.version = r.u16();
  h.node_id = r.u64();
  h.capabilities = r.u32();
  h.name = r.str8();
  if (!r.done()) return errc::bad_length;
  if (const auto e = name_error(h.name)) return *e;
  return h;
}

boost::system::result<text_message> decode_text(std::span<const std::uint8_t> payload) {
  reader r(payload);
  text_message m;
  m.seq = r.u64();
  m.sent_us = r.u64();
  m.origin = r.str8();
  const auto body = r.rest();
  if (!r.ok()) return errc::bad_length;
  if (body.size() > max_text_bytes) return errc::frame_too_large;
  m.body.assign(reinterpret_cast<const char*>(body.data()), body.size());
  if (const auto e = name_error(m.origin)) return *e;
  if (!is_valid_utf8(m.body)) return errc::bad_utf8;
  return m;
}

boost::system::result<video_chunk> decode_video_chunk(std::span<const std::uint8_t> payload) {
  reader r(payload);
  video_chunk c;
  c.header.frame_seq = r.u32();
  c.header.total_bytes = r.u32();
  c.header.offset = r.u32();
  c.header.capture_us = r.u64();
  c.header.width = r.u16();
  c.header.height = r.u16();
  c.header.origin = r.str8();
  c.data = r.rest();
  if (!r.ok()) return errc::bad_length;
  if (const auto e = name_error(c.header.origin)) return *e;
  const auto& h = c.header;
  if (c.data.empty() || c.data.size() > video_chunk_bytes || h.total_bytes == 0 ||
      h.total_bytes > max_video_frame_bytes || h.offset > h.total_bytes || c.data.size() > h.total_bytes - h.offset)
    return errc::bad_video_chunk;
  return c;
}

boost::system::result<ping> decode_ping(std::span<const std::uint8_t> payload) {
  reader r(payload);
  ping p{r.u64()};
  if (!r.done()) return errc::bad_length;
  return p;
}

boost::system::result<pong> decode_pong(std::span<const std::uint8_t> payload) {
  reader r(payload);
  pong p;
  p.t1_us = r.u64();
  p.t2_us = r.u64();
  p.t3_us = r.u64();
  if (!r.done()) return errc::bad_length;
  return p;
}

boost::system::result<ack> decode_ack(std::span<const std::uint8_t> payload) {
  reader r(payload);
  ack a{r.u64()};
  if (!r.done()) return errc::bad_length;
  return a;
}

boost::system::result<bye> decode_bye(std::span<const std::uint8_t> payload) {
  reader r(payload);
  bye b;
  b.reason = static_cast<bye_reason>(r.u8());
  const auto text = r.rest();
  if (!r.ok()) return errc::bad_length;
  b.text.assign(reinterpret_cast<const char*>(text.data()), text.size());
  if (!is_valid_utf8(b.text)) return errc::bad_utf8;
  return b;
}

}  // namespace chatnode::protocol
