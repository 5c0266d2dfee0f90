#include "stream_checks.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "chatnode/cluster/records.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/frame_assembler.hpp"
#include "chatnode/protocol/frame_parser.hpp"
#include "chatnode/protocol/messages.hpp"
#include "chatnode/protocol/utf8.hpp"

namespace chatnode::fuzz {
namespace {

using protocol::frame_type;
using protocol::parse_status;

// Not assert(): it must hold in release builds, where the fuzzers run fastest.
#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

/// One parse call's promises, whatever the input.
void check_result(const protocol::parse_result& r, std::span<const std::uint8_t> fed) {
  FUZZ_CHECK(r.consumed <= fed.size());
  if (r.status == parse_status::frame) {
    FUZZ_CHECK(r.payload.size() <= protocol::max_payload(r.type));
    FUZZ_CHECK(r.payload.data() >= fed.data() && r.payload.data() + r.payload.size() <= fed.data() + fed.size());
    // A frame is consumed whole (with the preamble before the first one), so the caller always moves on.
    FUZZ_CHECK(r.consumed >= protocol::header_size + r.payload.size());
    // The secret exchange's frames never reach a session: they are refused wherever they come.
    FUZZ_CHECK(!protocol::is_auth_frame(r.type));
  }
  if (r.status == parse_status::error) FUZZ_CHECK(r.error);
}

/// Decodes a frame as the session does; whatever decodes keeps its promises.
void check_frame(std::uint8_t type, std::span<const std::uint8_t> payload, protocol::frame_assembler& assembler) {
  switch (static_cast<frame_type>(type)) {
    case frame_type::hello:
      if (auto h = protocol::decode_hello(payload)) FUZZ_CHECK(h->name.size() <= protocol::max_name_bytes);
      break;
    case frame_type::text:
      if (auto t = protocol::decode_text(payload)) {
        FUZZ_CHECK(t->body.size() <= protocol::max_text_bytes);
        FUZZ_CHECK(protocol::is_valid_utf8(t->body) && protocol::is_valid_utf8(t->origin));
        // What we accept, we can send on unchanged.
        const auto again = protocol::encode(*t);
        auto back = protocol::decode_text(std::span(again).subspan(protocol::header_size));
        FUZZ_CHECK(back && back->body == t->body && back->origin == t->origin && back->seq == t->seq);
      }
      break;
    case frame_type::video_chunk:
      if (auto c = protocol::decode_video_chunk(payload)) {
        const auto& h = c->header;
        FUZZ_CHECK(h.total_bytes <= protocol::max_video_frame_bytes && h.offset + c->data.size() <= h.total_bytes);
        auto whole = assembler.add(*c);
        if (whole && *whole) FUZZ_CHECK((*whole)->jpeg.size() == (*whole)->header.total_bytes);
        if (!whole) assembler = {};  // the session closes here; a fresh stream starts clean
      }
      break;
    case frame_type::ping:
      (void)protocol::decode_ping(payload);
      break;
    case frame_type::pong:
      (void)protocol::decode_pong(payload);
      break;
    case frame_type::ack:
      (void)protocol::decode_ack(payload);
      break;
    case frame_type::bye:
      if (auto b = protocol::decode_bye(payload)) FUZZ_CHECK(b->text.size() <= protocol::max_bye_text_bytes);
      break;
  }
}

}  // namespace

void check_handshake(std::span<const std::uint8_t> data) {
  protocol::frame_parser parser;
  const auto r = parser.parse(data);
  check_result(r, data);
  if (r.status != parse_status::frame || r.type != static_cast<std::uint8_t>(frame_type::hello)) return;
  const auto hello = protocol::decode_hello(r.payload);
  if (!hello) return;
  const auto greeting = protocol::encode_greeting(*hello);
  protocol::frame_parser again;
  const auto r2 = again.parse(greeting);
  FUZZ_CHECK(r2.status == parse_status::frame && r2.consumed == greeting.size());
  const auto back = protocol::decode_hello(r2.payload);
  FUZZ_CHECK(back && back->name == hello->name && back->node_id == hello->node_id && back->version == hello->version &&
             back->capabilities == hello->capabilities);
}

void check_frame_stream(std::span<const std::uint8_t> data) {
  if (data.empty()) return;
  // The first byte chooses the piece size, so one input covers byte-at-a-time
  // delivery and large reads alike.
  const std::size_t piece = 1 + data[0] % 64 * 97;
  data = data.subspan(1);
  protocol::frame_parser parser;
  protocol::frame_assembler assembler;
  // A session's read buffer: bytes arrive at the end, consumed bytes leave the
  // front. It starts with a valid greeting, so every input explores what
  // follows the handshake.
  protocol::hello greeter;
  greeter.name = "fuzz";
  std::vector<std::uint8_t> buffer = protocol::encode_greeting(greeter);
  for (std::size_t at = 0; at < data.size() || !buffer.empty();) {
    const auto n = std::min(piece, data.size() - at);
    buffer.insert(buffer.end(), data.begin() + static_cast<std::ptrdiff_t>(at),
                  data.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    for (;;) {
      const auto r = parser.parse(buffer);
      check_result(r, buffer);
      if (r.status == parse_status::error) return;  // the session closes the connection
      if (r.status == parse_status::frame) check_frame(r.type, r.payload, assembler);
      buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(r.consumed));
      if (r.status == parse_status::need_more) {
        // The header alone bounds what a reader ever buffers.
        FUZZ_CHECK(buffer.size() <= protocol::max_frame_bytes);
        break;
      }
    }
    if (at == data.size()) return;  // whatever is left waits for bytes that never come
  }
}

namespace {

/// The lookup records.hpp asks for, over `h`.
cluster::header_lookup lookup(const std::map<std::string, std::string>& h) {
  return [&h](const char* name) -> std::optional<std::string> {
    const auto it = h.find(name);
    if (it == h.end()) return std::nullopt;
    return it->second;
  };
}

std::map<std::string, std::string> as_map(const cluster::headers& h) { return {h.begin(), h.end()}; }

}  // namespace

void check_cluster_records(std::span<const std::uint8_t> data) {
  const std::string_view all(reinterpret_cast<const char*>(data.data()), data.size());
  std::map<std::string, std::string> headers;
  std::size_t at = 0;
  while (at < all.size()) {
    const auto end = std::min(all.find('\n', at), all.size());
    const auto line = all.substr(at, end - at);
    at = end + 1;
    if (line.empty()) break;
    const auto colon = line.find(": ");
    if (colon != std::string_view::npos)
      headers[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 2));
  }
  const auto body = at < all.size() ? all.substr(at) : std::string_view();
  std::string why;

  if (const auto t = cluster::parse_text(lookup(headers), body, why)) {
    FUZZ_CHECK(t->body.size() <= protocol::max_text_bytes && protocol::is_valid_utf8(t->body));
    const auto again = cluster::parse_text(lookup(as_map(cluster::text_headers(*t))), t->body, why);
    FUZZ_CHECK(again && again->author == t->author && again->seq == t->seq && again->via == t->via &&
               again->sent_us == t->sent_us && again->origin == t->origin && again->body == t->body);
  } else {
    FUZZ_CHECK(!why.empty());
  }
  why.clear();
  if (const auto f = cluster::parse_frame(lookup(headers), why)) {
    const auto again = cluster::parse_frame(lookup(as_map(cluster::frame_headers(*f))), why);
    FUZZ_CHECK(again && again->via == f->via && again->seq == f->seq && again->capture_us == f->capture_us &&
               again->width == f->width && again->height == f->height && again->origin == f->origin);
  } else {
    FUZZ_CHECK(!why.empty());
  }
  why.clear();
  if (const auto p = cluster::parse_presence(lookup(headers), body, why)) {
    const auto again =
        cluster::parse_presence(lookup(as_map(cluster::presence_headers(*p))), cluster::presence_body(*p), why);
    FUZZ_CHECK(again && again->via == p->via && again->node_name == p->node_name && again->names == p->names);
  } else {
    FUZZ_CHECK(!why.empty());
  }
}

}  // namespace chatnode::fuzz
