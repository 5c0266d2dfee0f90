#include "chatnode/cluster/records.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/utf8.hpp"

namespace chatnode::cluster {
namespace {

std::string hex(std::uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

template <class T>
std::optional<T> number(const header_lookup& get, const char* name, int base, std::string& why) {
  const auto text = get(name);
  T v{};
  if (!text || text->empty()) {
    why = std::string("no ") + name;
    return std::nullopt;
  }
  const auto* end = text->data() + text->size();
  const auto r = std::from_chars(text->data(), end, v, base);
  if (r.ec != std::errc() || r.ptr != end) {
    why = std::string(name) + " is not a number";
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> name_field(const header_lookup& get, std::string& why) {
  auto origin = get("Chat-Origin");
  if (!origin || origin->empty() || origin->size() > protocol::max_name_bytes || !protocol::is_valid_utf8(*origin)) {
    why = "Chat-Origin is missing, too long or not UTF-8";
    return std::nullopt;
  }
  return origin;
}

}  // namespace

bool valid_room_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

std::uint64_t room_node_id(const std::string& room) {
  // FNV-1a: stable across hosts and builds, which std::hash is not.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char c : "chat_node room " + room) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

room_names::room_names(const std::string& room)
    : stream("CHAT_" + room),
      text_subject("chat." + room + ".text"),
      video_prefix("chat." + room + ".video."),
      presence_prefix("chat." + room + ".presence.") {}

std::string message_id(const text_record& t) { return hex(t.author) + "-" + std::to_string(t.seq); }

headers text_headers(const text_record& t) {
  return {{"Chat-Author", hex(t.author)},
          {"Chat-Seq", std::to_string(t.seq)},
          {"Chat-Via", hex(t.via)},
          {"Chat-Sent-Us", std::to_string(t.sent_us)},
          {"Chat-Origin", t.origin}};
}

std::optional<text_record> parse_text(const header_lookup& get, std::string_view body, std::string& why) {
  text_record t;
  const auto author = number<std::uint64_t>(get, "Chat-Author", 16, why);
  const auto seq = number<std::uint64_t>(get, "Chat-Seq", 10, why);
  const auto via = number<std::uint64_t>(get, "Chat-Via", 16, why);
  const auto sent = number<std::uint64_t>(get, "Chat-Sent-Us", 10, why);
  auto origin = name_field(get, why);
  if (!author || !seq || !via || !sent || !origin) return std::nullopt;
  if (body.empty() || body.size() > protocol::max_text_bytes || !protocol::is_valid_utf8(body)) {
    why = "the text is empty, too long or not UTF-8";
    return std::nullopt;
  }
  t.author = *author;
  t.seq = *seq;
  t.via = *via;
  t.sent_us = *sent;
  t.origin = std::move(*origin);
  t.body = std::string(body);
  return t;
}

headers frame_headers(const frame_record& f) {
  return {{"Chat-Via", hex(f.via)},
          {"Chat-Seq", std::to_string(f.seq)},
          {"Chat-Capture-Us", std::to_string(f.capture_us)},
          {"Chat-Width", std::to_string(f.width)},
          {"Chat-Height", std::to_string(f.height)},
          {"Chat-Origin", f.origin}};
}

std::optional<frame_record> parse_frame(const header_lookup& get, std::string& why) {
  frame_record f;
  const auto via = number<std::uint64_t>(get, "Chat-Via", 16, why);
  const auto seq = number<std::uint32_t>(get, "Chat-Seq", 10, why);
  const auto capture = number<std::uint64_t>(get, "Chat-Capture-Us", 10, why);
  const auto width = number<std::uint16_t>(get, "Chat-Width", 10, why);
  const auto height = number<std::uint16_t>(get, "Chat-Height", 10, why);
  auto origin = name_field(get, why);
  if (!via || !seq || !capture || !width || !height || !origin) return std::nullopt;
  f.via = *via;
  f.seq = *seq;
  f.capture_us = *capture;
  f.width = *width;
  f.height = *height;
  f.origin = std::move(*origin);
  return f;
}

headers presence_headers(const presence_record& p) { return {{"Chat-Via", hex(p.via)}, {"Chat-Origin", p.node_name}}; }

std::string presence_body(const presence_record& p) {
  std::string out;
  for (const auto& n : p.names) out += n + "\n";
  return out;
}

std::optional<presence_record> parse_presence(const header_lookup& get, std::string_view body, std::string& why) {
  presence_record p;
  const auto via = number<std::uint64_t>(get, "Chat-Via", 16, why);
  auto node_name = name_field(get, why);
  if (!via || !node_name) return std::nullopt;
  p.via = *via;
  p.node_name = std::move(*node_name);
  while (!body.empty()) {
    const auto end = body.find('\n');
    const auto name = body.substr(0, end);
    if (end == std::string_view::npos || name.empty() || name.size() > protocol::max_name_bytes ||
        !protocol::is_valid_utf8(name) || protocol::has_control_characters(name) || p.names.size() >= 1024) {
      why = "a name is unterminated, empty, too long, not UTF-8 or holds a control character, or there are too many";
      return std::nullopt;
    }
    p.names.emplace(name);
    body.remove_prefix(end + 1);
  }
  return p;
}

std::string node_token(std::uint64_t node_id) { return hex(node_id); }

std::string origin_token(const std::string& origin) {
  // FNV-1a: stable across processes and builds, unlike std::hash.
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : origin) h = (h ^ c) * 1099511628211ull;
  return hex(h);
}

}  // namespace chatnode::cluster
