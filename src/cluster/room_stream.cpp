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
/// How long the first text since the node started may take to arrive, once the stream says there is one.
constexpr std::int64_t answer_wait_ms = 5000;

/// The stream's place of the first text it stored at or after `wall_ns` (ns since 1970).
std::uint64_t first_stored_since(jsCtx* js, const room_names& names, std::int64_t wall_ns) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = names.stream.c_str();
  so.Config.DeliverPolicy = js_DeliverByStartTime;
  so.Config.OptStartTime = wall_ns;
  so.Config.AckPolicy = js_AckNone;
  natsSubscription* sub = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  check(js_SubscribeSync(&sub, js, names.text_subject.c_str(), nullptr, &so, &jerr),
        "cluster: the stream's texts since the node started");
  natsMsg* msg = nullptr;
  const auto s = natsSubscription_NextMsg(&msg, sub, static_cast<std::int64_t>(answer_wait_ms));
  std::uint64_t seq = 0;
  if (s == NATS_OK) seq = stream_place(msg);
  natsMsg_Destroy(msg);
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  if (seq == 0) check(s == NATS_OK ? NATS_ERR : s, "cluster: the stream's first text since the node started");
  return seq;
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
  const auto last = si->State.LastSeq;
  const auto last_ns = si->State.LastTime;
  jsStreamInfo_Destroy(si);

  // The history, and everything stored since the node started: its peers may
  // have been in the room long before the stream answered (a leader election).
  std::uint64_t from = last > history_lines ? last - history_lines + 1 : 1;
  if (last_ns >= started_ns - clock_margin_ns)
    from = std::min(from, first_stored_since(js, names, started_ns - clock_margin_ns));

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
