// The cluster's messages as records.hpp writes and checks them: what another
// node (or anyone who can publish on the subject) sends is checked before the
// room sees it.
#include <catch2/catch.hpp>

#include <map>

#include "chatnode/cluster/records.hpp"

namespace records_test {

namespace cluster = chatnode::cluster;

/// Headers as a message would carry them, for parse_*.
cluster::header_lookup lookup(const cluster::headers& h) {
  std::map<std::string, std::string> m(h.begin(), h.end());
  return [m](const char* name) -> std::optional<std::string> {
    const auto it = m.find(name);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

cluster::headers with(cluster::headers h, const std::string& key, const std::string& value) {
  for (auto& [k, v] : h)
    if (k == key) v = value;
  return h;
}

cluster::headers without(cluster::headers h, const std::string& key) {
  std::erase_if(h, [&](const auto& kv) { return kv.first == key; });
  return h;
}

}  // namespace records_test

using namespace records_test;

TEST_CASE("a text record crosses the cluster whole, under its author's id", "[cluster][records]") {
  const cluster::text_record t{0x0123456789abcdefull,    42,      0xfedcba9876543210ull,
                               1'700'000'000'000'000ull, "alice", "grüß dich"};
  CHECK(cluster::message_id(t) == "0123456789abcdef-42");
  std::string why;
  const auto back = cluster::parse_text(lookup(cluster::text_headers(t)), t.body, why);
  REQUIRE(back);
  CHECK(back->author == t.author);
  CHECK(back->seq == 42);
  CHECK(back->via == t.via);
  CHECK(back->sent_us == t.sent_us);
  CHECK(back->origin == "alice");
  CHECK(back->body == t.body);
}

TEST_CASE("a text record with a field missing, not a number, or a bad body is refused, with why",
          "[cluster][records]") {
  const cluster::text_record t{1, 2, 3, 4, "bob", "hi"};
  const auto good = cluster::text_headers(t);
  std::string why;
  CHECK_FALSE(cluster::parse_text(lookup(without(good, "Chat-Seq")), "hi", why));
  CHECK(why == "no Chat-Seq");
  CHECK_FALSE(cluster::parse_text(lookup(with(good, "Chat-Seq", "12x")), "hi", why));
  CHECK(why == "Chat-Seq is not a number");
  CHECK_FALSE(cluster::parse_text(lookup(with(good, "Chat-Author", "-1")), "hi", why));
  CHECK_FALSE(cluster::parse_text(lookup(with(good, "Chat-Author", "1ffffffffffffffff")), "hi", why));  // > 64 bits
  CHECK_FALSE(cluster::parse_text(lookup(with(good, "Chat-Origin", "")), "hi", why));
  CHECK_FALSE(cluster::parse_text(lookup(with(good, "Chat-Origin", std::string(65, 'n'))), "hi", why));
  CHECK_FALSE(cluster::parse_text(lookup(good), "\xff\xfe", why));
  CHECK(why == "the text is empty, too long or not UTF-8");
  CHECK_FALSE(cluster::parse_text(lookup(good), "", why));
  CHECK_FALSE(cluster::parse_text(lookup(good), std::string(64 * 1024 + 1, 'x'), why));
  CHECK(cluster::parse_text(lookup(good), std::string(64 * 1024, 'x'), why));
}

TEST_CASE("a frame record keeps its origin, size and times; a bad one is refused", "[cluster][records]") {
  const cluster::frame_record f{7, 99, 1'700'000'000'000'000ull, 640, 480, "carol"};
  std::string why;
  const auto back = cluster::parse_frame(lookup(cluster::frame_headers(f)), why);
  REQUIRE(back);
  CHECK(back->via == 7);
  CHECK(back->seq == 99);
  CHECK(back->capture_us == f.capture_us);
  CHECK(back->width == 640);
  CHECK(back->height == 480);
  CHECK(back->origin == "carol");
  CHECK_FALSE(cluster::parse_frame(lookup(with(cluster::frame_headers(f), "Chat-Width", "70000")), why));  // > 16 bits
  CHECK_FALSE(cluster::parse_frame(lookup(without(cluster::frame_headers(f), "Chat-Via")), why));
}

TEST_CASE("room names are one subject token, and name the room's subjects and stream", "[cluster][records]") {
  CHECK(cluster::valid_room_name("lobby"));
  CHECK(cluster::valid_room_name("team-2_b"));
  for (const char* bad : {"", "a.b", "a b", "a*", "a>", "ü"}) CHECK_FALSE(cluster::valid_room_name(bad));
  CHECK_FALSE(cluster::valid_room_name(std::string(65, 'r')));
  const cluster::room_names n("lobby");
  CHECK(n.stream == "CHAT_lobby");
  CHECK(n.text_subject == "chat.lobby.text");
  CHECK(n.video_prefix == "chat.lobby.video.");
  // Origin tokens are stable and tell names apart.
  CHECK(cluster::origin_token("alice") == cluster::origin_token("alice"));
  CHECK(cluster::origin_token("alice") != cluster::origin_token("alice "));
  CHECK(cluster::origin_token("a.b c").find_first_of(". *>") == std::string::npos);
}

TEST_CASE("a presence record lists a node's people, one a line; a bad list is refused", "[cluster][records]") {
  const cluster::presence_record p{5, "alice", {"alice", "peggy", "victor"}};
  std::string why;
  const auto back = cluster::parse_presence(lookup(cluster::presence_headers(p)), cluster::presence_body(p), why);
  REQUIRE(back);
  CHECK(back->via == 5);
  CHECK(back->node_name == "alice");
  CHECK(back->names == p.names);
  for (const char* bad : {"alice", "alice\n\n", "al\x01ice\n", "\xff\n"})
    CHECK_FALSE(cluster::parse_presence(lookup(cluster::presence_headers(p)), bad, why));
  std::string many;
  for (int i = 0; i < 1025; ++i) many += "n" + std::to_string(i) + "\n";
  CHECK_FALSE(cluster::parse_presence(lookup(cluster::presence_headers(p)), many, why));
}
