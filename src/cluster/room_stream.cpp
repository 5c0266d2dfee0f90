#include "chatnode/cluster/room_stream.hpp"

#include <algorithm>

#include "chatnode/cluster/nats_connection.hpp"
#include "chatnode/protocol/frame.hpp"

namespace chatnode::cluster {
namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;
/// How long the stream remembers a message id: a resend within it is dropped by the stream.
constexpr std::int64_t duplicate_window_ns = 120 * ns_per_s;
/// What the stream stored this long before the node started is delivered to
/// its peers too: the servers' clocks may be behind ours by that much.
constexpr std::int64_t clock_margin_ns = 2 * ns_per_s;
/// When the stream stored its message at `seq` (ns since 1970); 0 when that
/// message is gone (aged out from the front while we looked).
std::int64_t stored_at(jsCtx* js, const room_names& names, std::uint64_t seq) {
  natsMsg* msg = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const auto s = js_GetMsg(&msg, js, names.stream.c_str(), seq, nullptr, &jerr);
  if (s != NATS_OK && jerr == JSNoMessageFoundErr) return 0;
  check(s, "cluster: the stream's text " + std::to_string(seq));
  const auto at = natsMsg_GetTime(msg);
  natsMsg_Destroy(msg);
  return at;
}

/// The first place in [first, end) stored at or after `wall_ns`, or `end` if
/// none: one look-up when the place before `end` is older (a node that joins a
/// quiet room), else a binary search over the stored times, which rise with the
/// place (17 look-ups for the largest stream). Look-ups answer at once, unlike
/// a consumer whose first message must be waited for.
std::uint64_t first_stored_since(jsCtx* js, const room_names& names, std::uint64_t first, std::uint64_t end,
                                 std::int64_t wall_ns) {
  if (first >= end || stored_at(js, names, end - 1) < wall_ns) return end;
  while (first < end) {
    const auto mid = first + (end - first) / 2;
    if (stored_at(js, names, mid) >= wall_ns)
      end = mid;
    else
      first = mid + 1;
  }
  return end;
}

}  // namespace

natsSubscription* subscribe_room_stream(jsCtx* js, const room_names& names, int replicas, std::int64_t started_ns,
                                        natsMsgHandler handler, void* closure) {
  jsStreamConfig sc;
  jsStreamConfig_Init(&sc);
  const char* subjects[] = {names.text_subject.c_str()};
  sc.Name = names.stream.c_str();
  sc.Subjects = subjects;
  sc.SubjectsLen = 1;
  sc.Storage = js_FileStorage;
  sc.Replicas = replicas;
  sc.Duplicates = duplicate_window_ns;
  sc.MaxAge = std::int64_t{24} * 3600 * ns_per_s;
  sc.MaxMsgs = 100'000;
  sc.MaxMsgSize = static_cast<std::int32_t>(protocol::max_text_bytes + 4096);
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  auto s = js_AddStream(&si, js, &sc, nullptr, &jerr);
  // Another node made it first: the stream is the room's, whoever made it.
  if (s != NATS_OK && jerr != JSStreamNameExistErr) check(s, "cluster: the stream " + names.stream);
  jsStreamInfo_Destroy(si);
  si = nullptr;
  check(js_GetStreamInfo(&si, js, names.stream.c_str(), nullptr, &jerr), "cluster: the stream's state");
  const auto first = std::max<std::uint64_t>(si->State.FirstSeq, 1);
  const auto last = si->State.LastSeq;
  jsStreamInfo_Destroy(si);

  // The history, and everything stored since the node started: its peers may
  // have been in the room long before the stream answered (a leader election).
  std::uint64_t from = std::max(first, last > history_lines ? last - history_lines + 1 : 1);
  if (from > first) from = first_stored_since(js, names, first, from, started_ns - clock_margin_ns);

  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = names.stream.c_str();
  so.Ordered = true;
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = from;
  natsSubscription* sub = nullptr;
  check(js_Subscribe(&sub, js, names.text_subject.c_str(), handler, closure, nullptr, &so, &jerr),
        "cluster: the stream's subscription");
  return sub;
}

std::uint64_t stream_place(natsMsg* msg) {
  jsMsgMetaData* meta = nullptr;
  std::uint64_t place = 0;
  if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) place = meta->Sequence.Stream;
  jsMsgMetaData_Destroy(meta);
  return place;
}

}  // namespace chatnode::cluster
