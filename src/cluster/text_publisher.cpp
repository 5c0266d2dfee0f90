#include "chatnode/cluster/text_publisher.hpp"

#include <algorithm>

namespace chatnode::cluster {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

/// A line the stream has not confirmed by then is sent again, under the same id.
constexpr std::int64_t publish_wait_ms = 2000;
/// After a failed publish (no server, a leader election), the next try.
constexpr auto retry_after = 250ms;
/// At the node's end, lines still waiting get this long to be stored.
constexpr auto final_flush = 2s;

}  // namespace

text_publisher::text_publisher(natsConnection* conn, const room_names& names, stored_fn stored, log_fn log)
    : names_(names), stored_(std::move(stored)), log_(std::move(log)) {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = publish_wait_ms;
  jo.PublishAsync.MaxPending = static_cast<int64_t>(max_in_flight);
  jo.PublishAsync.AckHandler = &text_publisher::on_ack;
  jo.PublishAsync.AckHandlerClosure = this;
  check(natsConnection_JetStream(&js_, conn, &jo), "cluster: JetStream for the room's text");
}

text_publisher::~text_publisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // What is still unconfirmed is taken back, so that no acknowledgement
  // reaches a publisher that is gone.
  natsMsgList pending;
  if (js_PublishAsyncGetPendingList(&pending, js_) == NATS_OK) natsMsgList_Destroy(&pending);
  jsCtx_Destroy(js_);
}

void text_publisher::start() {
  thread_ = std::thread([this] { run(); });
}

bool text_publisher::submit(text_record t) {
  std::lock_guard lock(mutex_);
  if (waiting_.size() + in_flight_.size() >= max_waiting) {
    refused_count_.fetch_add(1, std::memory_order_relaxed);
    if (refused_in_a_row_++ == 0)
      log_("cluster: " + std::to_string(max_waiting) +
           " texts are waiting for the cluster; further lines are not taken until it answers");
    return false;
  }
  refused_in_a_row_ = 0;
  waiting_.push_back(std::move(t));
  wake_.notify_all();
  return true;
}

std::size_t text_publisher::waiting() {
  std::lock_guard lock(mutex_);
  return waiting_.size() + in_flight_.size();
}

void text_publisher::run() {
  auto give_up = clock::time_point::max();  // set once stopping
  for (;;) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> confirmed;
    std::vector<text_record> batch;
    {
      std::unique_lock lock(mutex_);
      const auto can_send = [&] {
        return clock::now() >= pause_until_ && in_flight_.size() < max_in_flight &&
               std::any_of(waiting_.begin(), waiting_.end(),
                           [&](const text_record& t) { return !authors_in_flight_.contains(t.author); });
      };
      const auto idle = [&] { return waiting_.empty() && in_flight_.empty(); };
      const auto ready = [&] {
        return !confirmed_.empty() || can_send() || (stopping_ && (give_up == clock::time_point::max() || idle()));
      };
      auto until = give_up;
      if (clock::now() < pause_until_) until = std::min(until, pause_until_);
      if (until == clock::time_point::max())
        wake_.wait(lock, ready);
      else
        wake_.wait_until(lock, until, ready);
      if (stopping_ && give_up == clock::time_point::max()) give_up = clock::now() + final_flush;
      confirmed.swap(confirmed_);
      if (stopping_ && confirmed.empty() && (idle() || clock::now() >= give_up)) {
        if (!idle())
          log_("cluster: " + std::to_string(waiting_.size() + in_flight_.size()) + " texts were never stored");
        return;
      }
      if (can_send()) batch = take_sendable_locked();
      if (!confirmed.empty() && failing_) {
        log_("cluster: texts are stored again");
        failing_ = false;
      }
    }
    // Stored (or already there, from the node the author used before): its author may let go of it.
    for (const auto& [author, seq] : confirmed) {
      stored_(author, seq);
      stored_count_.fetch_add(1, std::memory_order_relaxed);
    }
    if (!batch.empty()) send(std::move(batch));
  }
}

std::vector<text_record> text_publisher::take_sendable_locked() {
  std::vector<text_record> batch;
  std::set<std::uint64_t> taken;
  for (auto it = waiting_.begin(); it != waiting_.end() && in_flight_.size() + batch.size() < max_in_flight;) {
    // An author's later lines wait behind its first, here and in flight.
    if (authors_in_flight_.contains(it->author) || !taken.insert(it->author).second) {
      ++it;
      continue;
    }
    batch.push_back(std::move(*it));
    it = waiting_.erase(it);
  }
  for (const auto& t : batch) {
    authors_in_flight_.insert(t.author);
    in_flight_.emplace(message_id(t), t);
  }
  return batch;
}

void text_publisher::send(std::vector<text_record> batch) {
  for (auto& t : batch) {
    const auto id = message_id(t);
    natsMsg* msg = nullptr;
    auto s = natsMsg_Create(&msg, names_.text_subject.c_str(), nullptr, t.body.data(), static_cast<int>(t.body.size()));
    if (s == NATS_OK) {
      for (const auto& [k, v] : text_headers(t)) natsMsgHeader_Set(msg, k.c_str(), v.c_str());
      // The stream's de-duplication id, set here so that on_ack finds the line by it.
      natsMsgHeader_Set(msg, "Nats-Msg-Id", id.c_str());
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = publish_wait_ms;
    if (s == NATS_OK) s = js_PublishMsgAsync(js_, &msg, &po);
    natsMsg_Destroy(msg);  // null once the client took it
    if (s == NATS_OK) continue;
    // Not sent (no connection): it waits again, first of its author's.
    std::lock_guard lock(mutex_);
    const auto it = in_flight_.find(id);
    if (it == in_flight_.end()) continue;
    auto back = std::move(it->second);
    in_flight_.erase(it);
    retry_locked(std::move(back));
  }
}

void text_publisher::retry_locked(text_record t) {
  authors_in_flight_.erase(t.author);
  waiting_.push_front(std::move(t));
  pause_until_ = clock::now() + retry_after;
  if (!failing_) log_("cluster: the room's stream did not store a text; it waits and is sent again");
  failing_ = true;
}

void text_publisher::on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* self_ptr) {
  auto* self = static_cast<text_publisher*>(self_ptr);
  const char* id = nullptr;
  if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id) {
    std::lock_guard lock(self->mutex_);
    const auto it = self->in_flight_.find(id);
    if (it != self->in_flight_.end()) {
      auto t = std::move(it->second);
      self->in_flight_.erase(it);
      if (pa && !pae) {
        self->authors_in_flight_.erase(t.author);
        self->confirmed_.emplace_back(t.author, t.seq);
      } else {
        self->retry_locked(std::move(t));
      }
    }
  }
  natsMsg_Destroy(msg);
  self->wake_.notify_all();
}

}  // namespace chatnode::cluster
