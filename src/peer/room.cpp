#include "chatnode/peer/room.hpp"

#include <algorithm>

#include "chatnode/clock.hpp"

namespace chatnode::peer {

room::room(term::console& console, std::string local_name, video::decode_thread* decoder, std::size_t max_peers)
    : console_(console), local_name_(std::move(local_name)), decoder_(decoder), max_peers_(max_peers) {}

bool room::send_local_text(std::string body) {
  std::lock_guard lock(mutex_);
  const bool anyone = std::any_of(sessions_.begin(), sessions_.end(), [](auto& w) { return !w.expired(); });
  if (!anyone && backlog_bytes_ + body.size() > max_backlog_bytes) return false;
  fan_out_locked(local_name_, std::move(body), nullptr);
  return true;
}

void room::fan_out_locked(const std::string& origin, std::string body, const participant* except) {
  protocol::text_message m;
  m.seq = next_seq_++;
  m.sent_us = wall_us();
  m.origin = origin;
  m.body = std::move(body);
  if (except == nullptr && observer_) observer_->on_text(m, false);
  outgoing_text t{m.seq, std::make_shared<const protocol::bytes>(protocol::encode(m)),
                  std::make_shared<const std::string>(m.origin + ": " + m.body + "\n")};
  bool delivered = false;
  for (auto& w : sessions_) {
    if (auto s = w.lock(); s && s.get() != except) {
      s->send_text(t);
      delivered = true;
    }
  }
  // Only the local user's words wait for a peer; relayed text has its audience already.
  if (!delivered && except == nullptr) {
    backlog_bytes_ += t.frame->size();
    backlog_.push_back(std::move(t));
  }
}

void room::stop_all(protocol::bye_reason reason, std::string text, bool flush, bool also_future) {
  std::lock_guard lock(mutex_);
  for (auto& w : sessions_)
    if (auto s = w.lock()) s->stop(reason, text, flush);
  if (also_future) stop_future_ = pending_stop{reason, std::move(text), flush};
}

void room::broadcast_video(const video::frame_ptr& f) {
  std::lock_guard lock(mutex_);
  for (auto& w : sessions_)
    if (auto s = w.lock()) s->send_video(f);
}

std::vector<std::shared_ptr<participant>> room::sessions() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<participant>> out;
  for (auto& w : sessions_)
    if (auto s = w.lock()) out.push_back(std::move(s));
  return out;
}

std::vector<stats::peer_view> room::views() const {
  std::vector<stats::peer_view> views;
  for (const auto& s : sessions()) views.push_back({s->peer_id(), s->peer_hello().name, s->remote(), s->stats()});
  return views;
}

std::size_t room::backlog_size() const {
  std::lock_guard lock(mutex_);
  return backlog_.size();
}

void room::on_joined(const std::shared_ptr<participant>& s) {
  {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [](auto& w) { return w.expired(); });
    if (sessions_.size() >= max_peers_) {
      // Refused after the handshake, so a chat_node peer hears why (bye "room full").
      console_.info("refused " + s->peer_hello().name + " (" + s->remote() + "): the room is full (" +
                    std::to_string(max_peers_) + " peers)");
      s->stop(protocol::bye_reason::room_full, "the room is full", false);
      return;
    }
    sessions_.push_back(s);
    for (auto& t : backlog_) s->send_text(std::move(t));
    backlog_.clear();
    backlog_bytes_ = 0;
    if (stop_future_) s->stop(stop_future_->reason, stop_future_->text, stop_future_->flush);
  }
  // Announced once registered, so whoever reacts to the news (/peers, /stats) finds the peer.
  console_.event(s->peer_hello().name + " (" + s->remote() + ") joined");
  if (observer_) observer_->on_joined(*s);
}

void room::on_text(participant& s, protocol::text_message m) {
  console_.chat_line(m.origin, m.body);
  if (observer_) observer_->on_text(m, true);
  std::lock_guard lock(mutex_);
  fan_out_locked(m.origin, std::move(m.body), &s);
}

void room::on_video(participant& s, video::received_frame f) {
  // A frame the peer captured itself is its stream; one it relays from
  // elsewhere (a star's centre passes everyone's on) is a stream of its own,
  // decoded and shown apart.
  int stream = s.peer_id();
  std::string name = s.peer_hello().name;
  std::vector<std::shared_ptr<participant>> others;
  {
    std::lock_guard lock(mutex_);
    if (f.header.origin != name) {
      auto [it, fresh] = relayed_streams_.try_emplace({s.peer_id(), f.header.origin}, next_relayed_stream_);
      if (fresh) ++next_relayed_stream_;
      stream = it->second;
      name = f.header.origin;
    }
    for (auto& w : sessions_)
      if (auto p = w.lock(); p && p.get() != &s) others.push_back(std::move(p));
  }
  const bool observed = observer_ && observer_->wants_video();
  if (!others.empty() || observed) {
    // The one copy a received frame costs: every relay and page shares it.
    const auto& h = f.header;
    const auto shared = std::make_shared<const video::encoded_frame>(h.frame_seq, h.capture_us, h.width, h.height,
                                                                      h.origin, f.jpeg, video::stage_times{});
    for (auto& p : others) p->send_video(shared);
    if (observed) observer_->on_video(s, stream, name, shared);
  }
  if (decoder_) decoder_->submit(stream, std::move(name), s.stats(), std::move(f));
}

void room::on_closed(participant& s, bool joined, const std::string& reason) {
  std::vector<int> streams{s.peer_id()};
  bool was_in_room = false;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(relayed_streams_, [&](const auto& e) {
      if (e.first.first != s.peer_id()) return false;
      streams.push_back(e.second);
      return true;
    });
    std::erase_if(sessions_, [&](auto& w) {
      auto p = w.lock();
      was_in_room = was_in_room || p.get() == &s;
      return !p || p.get() == &s;
    });
  }
  if (decoder_)
    for (int stream : streams) decoder_->peer_closed(stream);
  if (was_in_room) {
    console_.event(s.peer_hello().name + " (" + s.remote() + ") left: " + reason);
    if (observer_) observer_->on_left(s, reason);
  } else if (!joined) {
    console_.info("connection with " + s.remote() + " closed before the handshake completed: " + reason);
  }
}

}  // namespace chatnode::peer
