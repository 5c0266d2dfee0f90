#include "chatnode/cluster/bridge.hpp"

#include <algorithm>

#include "chatnode/clock.hpp"
#include "chatnode/cluster/room_stream.hpp"

namespace chatnode::cluster {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

/// A publish the stream has not confirmed by then is sent again, under the same id.
constexpr std::int64_t publish_wait_ms = 5000;
/// After a failed publish (no server, a leader election), the next try.
constexpr auto retry_after = 500ms;
/// At the node's end, texts still waiting get this long to be stored.
constexpr auto final_flush = 2s;

/// A message's header, as records.hpp asks for it.
header_lookup headers_of(natsMsg* msg) {
  return [msg](const char* name) -> std::optional<std::string> {
    const char* v = nullptr;
    if (natsMsgHeader_Get(msg, name, &v) != NATS_OK || !v) return std::nullopt;
    return std::string(v);
  };
}

/// A message with `h` as its headers; null when the client refuses it.
natsMsg* make_message(const std::string& subject, const void* data, int size, const headers& h) {
  natsMsg* msg = nullptr;
  if (natsMsg_Create(&msg, subject.c_str(), nullptr, static_cast<const char*>(data), size) != NATS_OK) return nullptr;
  for (const auto& [k, v] : h) natsMsgHeader_Set(msg, k.c_str(), v.c_str());
  return msg;
}

}  // namespace

bridge::bridge(net::any_io_executor strand, peer::room& room, bridge_config cfg, log_fn log)
    : cfg_(std::move(cfg)),
      names_(cfg_.room),
      started_ns_(static_cast<std::int64_t>(wall_us()) * 1000),
      room_(room),
      log_(std::move(log)),
      link_(std::make_shared<cluster_link>(std::move(strand), cfg_.room, room,
                                           [this](const video::frame_set_ptr& f) { offer_video(f); })),
      // Text published while disconnected waits in our queue, not the client's: it is retried by id.
      text_conn_(cfg_.servers, cfg_.node_name, "text", 0, log_),
      // Never a stale frame sent on reconnecting: frames are published only while connected.
      video_conn_(cfg_.servers, cfg_.node_name, "video", 0, log_) {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = publish_wait_ms;
  check(natsConnection_JetStream(&js_, text_conn_.get(), &jo), "cluster: JetStream");
  check(natsConnection_Subscribe(&video_sub_, video_conn_.get(), (names_.video_prefix + ">").c_str(),
                                 &bridge::on_video_message, this),
        "cluster: video subscription");
  // A node that cannot keep up drops frames, newest first, instead of queueing them.
  natsSubscription_SetPendingLimits(video_sub_, 4, 8 << 20);
  check(natsConnection_Subscribe(&presence_sub_, video_conn_.get(), (names_.presence_prefix + "*").c_str(),
                                 &bridge::on_presence_message, this),
        "cluster: presence subscription");
}

void bridge::start() {
  text_thread_ = std::thread([this] { text_loop(); });
  video_thread_ = std::thread([this] { video_loop(); });
  presence_thread_ = std::thread([this] { presence_loop(); });
}

bridge::~bridge() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto* t : {&text_thread_, &video_thread_, &presence_thread_})
    if (t->joinable()) t->join();
  // Drained: once these return, no callback of ours runs any more.
  for (auto* sub : {stream_sub_, video_sub_, presence_sub_}) {
    if (!sub) continue;
    if (natsSubscription_Drain(sub) == NATS_OK) natsSubscription_WaitForDrainCompletion(sub, 2000);
    natsSubscription_Destroy(sub);
  }
  jsCtx_Destroy(js_);
}

stats::cluster_figures bridge::figures() {
  stats::cluster_figures c;
  c.room = cfg_.room;
  c.text_connected = text_conn_.connected();
  c.video_connected = video_conn_.connected();
  c.stream_ready = stream_ready_;
  c.texts_stored = texts_stored_;
  c.texts_refused = texts_refused_;
  c.texts_delivered = texts_delivered_;
  c.frames_sent = frames_sent_;
  c.frames_oversized = frames_oversized_;
  c.frames_received = frames_received_;
  {
    std::lock_guard lock(mutex_);
    c.texts_waiting = texts_.size();
  }
  c.frames_dropped = frames_dropped_;
  std::lock_guard lock(presence_mutex_);
  for (const auto& [node, names] : presence_.everyone()) c.people_elsewhere += names.size();
  return c;
}

void bridge::watch_presence(std::function<void(const presence_board::change&)> watch) {
  std::lock_guard lock(presence_mutex_);
  watch_ = std::move(watch);
}

bool bridge::submit(std::uint64_t author, const protocol::text_message& m) {
  // A chat_node peer numbers its lines across its links: a line it resends
  // through another node after a failover has the same id there.
  text_record t{author, m.seq, cfg_.node_id, m.sent_us, m.origin, m.body};
  std::lock_guard lock(mutex_);
  if (texts_.size() >= max_waiting_texts) {
    texts_refused_.fetch_add(1, std::memory_order_relaxed);
    if (texts_not_stored_++ == 0)
      log_("cluster: " + std::to_string(max_waiting_texts) +
           " texts are waiting for the cluster; further lines are not taken until it answers");
    return false;
  }
  texts_not_stored_ = 0;
  texts_.push_back(std::move(t));
  wake_.notify_all();
  return true;
}

void bridge::on_joined(const peer::participant& p) {
  if (&p == link_.get()) return;
  std::lock_guard lock(mutex_);
  presence_changed_ = true;
  wake_.notify_all();
}

void bridge::on_left(const peer::participant& p, const std::string&) { on_joined(p); }

void bridge::join_stream() {
  auto* sub = subscribe_room_stream(js_, names_, cfg_.replicas, started_ns_, &bridge::on_stream_message, this);
  std::lock_guard lock(mutex_);
  stream_sub_ = sub;
}

void bridge::text_loop() {
  bool told = false;  // the current failure is said once, not at every retry
  for (;;) {
    try {
      join_stream();
      break;
    } catch (const std::exception& e) {
      if (!told) log_(std::string(e.what()) + "; trying again");
      told = true;
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, retry_after, [this] { return stopping_; })) return;
  }
  // From now on the room's lines reach this node's peers.
  stream_ready_ = true;
  log_("cluster: the room's stream " + names_.stream + " is ready");
  told = false;
  clock::time_point give_up = clock::time_point::max();
  for (;;) {
    text_record next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !texts_.empty(); });
      if (stopping_ && give_up == clock::time_point::max()) give_up = clock::now() + final_flush;
      if (texts_.empty() || clock::now() >= give_up) {
        if (!texts_.empty()) log_("cluster: " + std::to_string(texts_.size()) + " texts were never stored");
        return;
      }
      next = texts_.front();
    }
    if (publish_text(next)) {
      // Stored (or already there, from the node the author used before): its author may let go of it.
      room_.stored(next.author, next.seq);
      texts_stored_.fetch_add(1, std::memory_order_relaxed);
      if (told) log_("cluster: texts are stored again");
      told = false;
      std::lock_guard lock(mutex_);
      texts_.pop_front();
      continue;
    }
    if (!told) log_("cluster: the room's stream did not store a text; it waits and is sent again");
    told = true;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, retry_after, [&] { return stopping_ && clock::now() >= give_up; });
  }
}

bool bridge::publish_text(const text_record& t) {
  if (!text_conn_.connected()) return false;
  natsMsg* msg = make_message(names_.text_subject, t.body.data(), static_cast<int>(t.body.size()), text_headers(t));
  if (!msg) return false;
  const auto id = message_id(t);
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = id.c_str();
  po.MaxWait = publish_wait_ms;
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const auto s = js_PublishMsg(&ack, js_, msg, &po, &jerr);
  natsMsg_Destroy(msg);
  jsPubAck_Destroy(ack);
  return s == NATS_OK;
}

void bridge::on_stream_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self_ptr) {
  auto* self = static_cast<bridge*>(self_ptr);
  std::string why;
  const std::string_view body(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  auto t = parse_text(headers_of(msg), body, why);
  // Its place in the stream numbers it for every peer of every node.
  const auto place = stream_place(msg);
  natsMsg_Destroy(msg);
  if (!t || place == 0) {
    self->log_("cluster: a message in the room's stream is not a text (" + (t ? "no stream sequence" : why) +
               "): skipped");
    return;
  }
  self->texts_delivered_.fetch_add(1, std::memory_order_relaxed);
  self->link_->deliver_text({t->author, t->seq, {place, t->sent_us, std::move(t->origin), std::move(t->body)}});
}

void bridge::offer_video(const video::frame_set_ptr& f) {
  if (cfg_.video_fps <= 0) return;
  const auto& frame = f->biggest();
  std::lock_guard lock(mutex_);
  frames_[frame->origin()] = frame;  // latest wins
  wake_.notify_all();
}

void bridge::video_loop() {
  if (cfg_.video_fps <= 0) return;  // no video crosses the cluster
  const auto interval = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1 / cfg_.video_fps));
  std::unique_lock lock(mutex_);
  for (;;) {
    // The next origin whose frame may go: its interval since its last has passed.
    const auto now = clock::now();
    auto due = clock::time_point::max();
    video::frame_ptr send;
    for (auto it = frames_.begin(); it != frames_.end(); ++it) {
      const auto at = next_frame_at_[it->first];
      if (at <= now) {
        send = std::move(it->second);
        next_frame_at_[it->first] = now + interval;
        frames_.erase(it);
        break;
      }
      due = std::min(due, at);
    }
    if (stopping_) return;
    if (send) {
      lock.unlock();
      publish_frame(send);
      lock.lock();
      continue;
    }
    if (due == clock::time_point::max())
      wake_.wait(lock);
    else
      wake_.wait_until(lock, due);
  }
}

void bridge::publish_frame(const video::frame_ptr& f) {
  // Only while connected: the client would otherwise keep it to send stale on reconnecting.
  if (!video_conn_.connected()) return;
  const auto& jpeg = f->jpeg();
  // A body over the server's limit is a connection-level error: not sent.
  if (static_cast<std::int64_t>(jpeg.size()) > video_conn_.max_payload()) {
    frames_oversized_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  frame_record r{cfg_.node_id,
                 f->seq(),
                 f->capture_us(),
                 static_cast<std::uint16_t>(f->width()),
                 static_cast<std::uint16_t>(f->height()),
                 f->origin()};
  const auto subject = names_.video_prefix + node_token(cfg_.node_id) + "." + origin_token(f->origin());
  natsMsg* msg = make_message(subject, jpeg.data(), static_cast<int>(jpeg.size()), frame_headers(r));
  if (!msg) return;
  if (natsConnection_PublishMsg(video_conn_.get(), msg) == NATS_OK)
    frames_sent_.fetch_add(1, std::memory_order_relaxed);
  natsMsg_Destroy(msg);
}

void bridge::on_video_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self_ptr) {
  auto* self = static_cast<bridge*>(self_ptr);
  std::string why;
  const auto r = parse_frame(headers_of(msg), why);
  if (!r || r->via == self->cfg_.node_id) {
    natsMsg_Destroy(msg);
    return;
  }
  protocol::received_frame f;
  const auto* data = reinterpret_cast<const std::uint8_t*>(natsMsg_GetData(msg));
  f.jpeg.assign(data, data + natsMsg_GetDataLength(msg));
  natsMsg_Destroy(msg);
  f.header.frame_seq = r->seq;
  f.header.total_bytes = static_cast<std::uint32_t>(f.jpeg.size());
  f.header.capture_us = r->capture_us;
  f.header.width = r->width;
  f.header.height = r->height;
  f.header.origin = r->origin;
  f.first_chunk_ns = f.complete_ns = steady_ns();
  self->frames_received_.fetch_add(1, std::memory_order_relaxed);
  self->link_->deliver_video(std::move(f));
}

void bridge::presence_loop() {
  auto next_publish = clock::now();
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, 1s, [this] { return stopping_ || presence_changed_; });
      if (stopping_) return;
      if (presence_changed_) next_publish = clock::now();
      presence_changed_ = false;
    }
    const auto now = clock::now();
    // Sampled here for figures(), which runs on an io thread: the client's call takes the subscription's lock.
    if (std::int64_t dropped = 0; natsSubscription_GetDropped(video_sub_, &dropped) == NATS_OK)
      frames_dropped_ = static_cast<std::uint64_t>(dropped);
    std::vector<presence_board::change> changes;
    {
      std::lock_guard lock(presence_mutex_);
      changes = presence_.tick(now);
    }
    report(changes);
    if (now < next_publish || !video_conn_.connected()) continue;
    next_publish = now + presence_board::publish_every;
    presence_record p{cfg_.node_id, cfg_.node_name, {cfg_.node_name}};
    for (const auto& s : room_.sessions())
      if (s != link_) p.names.insert(s->peer_hello().name);
    const auto body = presence_body(p);
    natsMsg* msg = make_message(names_.presence_prefix + node_token(cfg_.node_id), body.data(),
                                static_cast<int>(body.size()), presence_headers(p));
    if (!msg) continue;
    natsConnection_PublishMsg(video_conn_.get(), msg);
    natsMsg_Destroy(msg);
  }
}

void bridge::on_presence_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self_ptr) {
  auto* self = static_cast<bridge*>(self_ptr);
  std::string why;
  const std::string_view body(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  const auto p = parse_presence(headers_of(msg), body, why);
  natsMsg_Destroy(msg);
  if (!p || p->via == self->cfg_.node_id) return;
  std::vector<presence_board::change> changes;
  {
    std::lock_guard lock(self->presence_mutex_);
    changes = self->presence_.heard(p->via, p->node_name, p->names, clock::now());
  }
  self->report(changes);
}

void bridge::report(const std::vector<presence_board::change>& changes) {
  using kind = presence_board::change::kind;
  for (const auto& c : changes) {
    switch (c.what) {
      case kind::joined:
        log_("cluster: " + c.name + " is in the room, at " + c.node + "'s node");
        break;
      case kind::left:
        log_("cluster: " + c.name + " left (" + c.node + "'s node)");
        break;
      case kind::away:
        log_("cluster: " + c.name + " is away (" + c.node + "'s node is silent)");
        break;
      case kind::back:
        log_("cluster: " + c.name + " is back (" + c.node + "'s node)");
        break;
      case kind::gone:
        log_("cluster: " + c.name + " is gone (" + c.node + "'s node did not come back)");
        break;
    }
  }
  // Called under the lock: once watch_presence({}) returns, no call is under way.
  std::lock_guard lock(presence_mutex_);
  if (watch_)
    for (const auto& c : changes) watch_(c);
}

}  // namespace chatnode::cluster
