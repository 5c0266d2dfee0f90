#include "cluster/stream_contents.hpp"

#include <nats/nats.h>

#include <memory>
#include <stdexcept>

#include "chatnode/cluster/records.hpp"

namespace cluster_test {
namespace {

void must(natsStatus s, const std::string& what) {
  if (s != NATS_OK) throw std::runtime_error(what + ": " + natsStatus_GetText(s));
}

struct connection {
  explicit connection(const std::string& url) {
    must(natsConnection_ConnectTo(&nc, url.c_str()), "connect to " + url);
    must(natsConnection_JetStream(&js, nc, nullptr), "JetStream");
  }
  ~connection() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
};

stream_contents state_of(connection& c, const chatnode::cluster::room_names& names) {
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  must(js_GetStreamInfo(&si, c.js, names.stream.c_str(), nullptr, &jerr), "the state of " + names.stream);
  stream_contents out;
  out.messages = si->State.Msgs;
  if (si->Cluster && si->Cluster->Leader) out.leader = si->Cluster->Leader;
  jsStreamInfo_Destroy(si);
  return out;
}

}  // namespace

stream_contents stream_state(const std::string& url, const std::string& room) {
  connection c(url);
  return state_of(c, chatnode::cluster::room_names(room));
}

stream_contents stream_state_with_leader(const std::vector<std::string>& urls, const std::string& room,
                                         std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (std::size_t i = 0;; ++i) {
    try {
      auto s = stream_state(urls[i % urls.size()], room);
      if (!s.leader.empty() || std::chrono::steady_clock::now() >= deadline) return s;
    } catch (const std::exception&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
    }
  }
}

stream_contents read_stream(const std::string& url, const std::string& room, std::chrono::seconds limit) {
  connection c(url);
  const chatnode::cluster::room_names names(room);
  auto out = state_of(c, names);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = names.stream.c_str();
  so.Config.DeliverPolicy = js_DeliverAll;
  so.Config.AckPolicy = js_AckNone;
  natsSubscription* sub = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  // The cluster may still be electing a leader for it: asked again, within the limit.
  for (;;) {
    const auto s = js_SubscribeSync(&sub, c.js, names.text_subject.c_str(), nullptr, &so, &jerr);
    if (s == NATS_OK) break;
    if (std::chrono::steady_clock::now() >= deadline) must(s, "reading " + names.stream);
  }
  while (out.texts.size() < out.messages && std::chrono::steady_clock::now() < deadline) {
    natsMsg* msg = nullptr;
    if (natsSubscription_NextMsg(&msg, sub, 2000) != NATS_OK) continue;
    const char* origin = nullptr;
    natsMsgHeader_Get(msg, "Chat-Origin", &origin);
    out.texts.push_back(std::string(origin ? origin : "?") + ": " +
                        std::string(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
    natsMsg_Destroy(msg);
  }
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  return out;
}

}  // namespace cluster_test
