// What a room's texts and frames look like on the cluster (docs/CLUSTER.md):
// the subjects and the stream of a room, and each message's headers and body.
// Sans-io: the bridge moves these through the NATS client, and anything a
// message carries is checked here before the room sees it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatnode::cluster {

/// A room name is one subject token: letters, digits, '-' and '_', 1 to 64 of them.
bool valid_room_name(std::string_view name);

struct room_names {
  explicit room_names(const std::string& room);
  std::string stream;           ///< the JetStream stream of its texts: CHAT_<room>
  std::string text_subject;     ///< chat.<room>.text
  std::string video_prefix;     ///< chat.<room>.video. + publishing node + . + origin token
  std::string presence_prefix;  ///< chat.<room>.presence. + publishing node
};

/// The node id every node of the room greets its peers with: a peer that moves
/// from one to another goes on in one numbering, the stream's (PROTOCOL.md 3.8).
std::uint64_t room_node_id(const std::string& room);

using headers = std::vector<std::pair<std::string, std::string>>;
/// A message's header by name, empty when absent.
using header_lookup = std::function<std::optional<std::string>(const char* name)>;

/// One line said in the room, as the stream stores it. An author is the node
/// whose numbering the line carries: the local user's node, or the chat_node
/// peer it came from (its numbering holds across its links, so a line resent
/// through another node after a failover has the same id).
struct text_record {
  std::uint64_t author = 0;
  std::uint64_t seq = 0;
  std::uint64_t via = 0;  ///< the node that published it
  std::uint64_t sent_us = 0;
  std::string origin;  ///< who wrote it
  std::string body;
};

/// Nats-Msg-Id: the stream drops a second copy within its duplicate window.
std::string message_id(const text_record& t);
headers text_headers(const text_record& t);
/// The record, or why the message is not one (a field missing, not a number, not UTF-8, too long).
std::optional<text_record> parse_text(const header_lookup& get, std::string_view body, std::string& why);

/// One frame of an origin, as it crosses the cluster: the JPEG is the body.
struct frame_record {
  std::uint64_t via = 0;
  std::uint32_t seq = 0;
  std::uint64_t capture_us = 0;
  std::uint16_t width = 0, height = 0;
  std::string origin;
};
headers frame_headers(const frame_record& f);
std::optional<frame_record> parse_frame(const header_lookup& get, std::string& why);
/// Who is on one node: its user and its peers, as it says every two seconds.
struct presence_record {
  std::uint64_t via = 0;
  std::string node_name;
  std::set<std::string> names;
};
headers presence_headers(const presence_record& p);
/// The body: one name a line (names hold no control characters).
std::string presence_body(const presence_record& p);
/// Refuses a name that is empty, too long, not UTF-8 or holds a control character, and more than 1024 names.
std::optional<presence_record> parse_presence(const header_lookup& get, std::string_view body, std::string& why);

/// A node id as a subject token and in headers: 16 hex digits.
std::string node_token(std::uint64_t node_id);
/// The subject token for an origin's name: its hash, as names may hold anything.
std::string origin_token(const std::string& origin);

}  // namespace chatnode::cluster
