#include "chatnode/peer/room.hpp"

#include <algorithm>

#include "chatnode/clock.hpp"
#include "chatnode/term/terminal_text.hpp"

namespace chatnode::peer {
namespace {

outgoing_text encode_text(const protocol::text_message& m) {
  return {m.seq, std::make_shared<const protocol::bytes>(protocol::encode(m)),
          std::make_shared<const std::string>(term::message_block(term::sanitize_line(m.origin) + ": ", m.body))};
}

}  // namespace

room::room(std::string local_name, std::size_t max_peers)
    : local_name_(std::move(local_name)), max_peers_(max_peers), absent_(max_backlog_bytes, max_peers) {}

room::local_text room::send_local_text(std::string body) {
  if (order_) {
    protocol::text_message m{0, wall_us(), local_name_, std::move(body)};
    {
      std::lock_guard lock(mutex_);
      m.seq = next_seq_++;
    }
    if (!order_->submit(node_id_, m)) return local_text::refused;
    // Shown to the local user at once; the peers have it as the order returns it.
    for (auto* sub : subscribers_) sub->on_text(m, nullptr);
    return local_text::sent;
  }
  std::lock_guard lock(mutex_);
  const bool anyone = std::any_of(sessions_.begin(), sessions_.end(), [](auto& m) { return !m.peer.expired(); });
  auto t = make_text_locked(local_name_, std::move(body));
  if (!anyone) {
    const auto size = t.second.frame->size();
    const bool fits = absent_.empty() ? backlog_bytes_ + size <= max_backlog_bytes : absent_.fits(size);
    if (!fits) return local_text::refused;
  }
  for (auto* sub : subscribers_) sub->on_text(t.first, nullptr);
  deliver_locked(t.second, std::nullopt);
  return anyone ? local_text::sent : local_text::waiting;
}

std::pair<protocol::text_message, outgoing_text> room::make_text_locked(const std::string& origin, std::string body) {
  protocol::text_message m;
  m.seq = next_seq_++;
  m.sent_us = wall_us();
  m.origin = origin;
  m.body = std::move(body);
  auto t = encode_text(m);
  return {std::move(m), std::move(t)};
}

void room::deliver_locked(const outgoing_text& t, std::optional<std::uint64_t> author) {
  bool delivered = false;
  std::string except_key;
  for (auto& m : sessions_) {
    auto s = m.peer.lock();
    if (!s) continue;
    if (author && m.author == *author) {
      if (!m.resume_key.empty()) except_key = m.resume_key;
      continue;
    }
    delivered = true;
    if (!m.placed) continue;  // it is sent the history once placed, this line too
    if (m.leaving) {
      // Handed to on_closed with the link's undelivered text, so a peer that comes back gets it.
      if (!m.resume_key.empty()) m.late.push_back(t);
      continue;
    }
    // A new link whose replaced one has not handed over yet: its text waits in absent_, in order.
    if (!m.resume_key.empty() && absent_.contains(m.resume_key)) continue;
    s->send_text(t);
  }
  if (!absent_.empty()) {
    // An absent author is not kept its own line either.
    if (author && except_key.empty()) except_key = node_resume_key(*author);
    log_forgotten(absent_.append(t, except_key));
    delivered = true;
  }
  // Only the local user's words wait for a peer; relayed text has its audience already.
  if (!delivered && !author) {
    backlog_bytes_ += t.frame->size();
    backlog_.push_back(t);
  }
}

std::size_t room::resume_locked(participant& p, const std::string& key, std::uint64_t after) {
  auto texts = key.empty() ? std::vector<outgoing_text>{} : absent_.take(key);
  texts.insert(texts.end(), std::make_move_iterator(backlog_.begin()), std::make_move_iterator(backlog_.end()));
  backlog_.clear();
  backlog_bytes_ = 0;
  if (order_) {
    // Where the peer had got to, on this node or another of the room: what
    // came after, but its own lines. A newcomer is given the latest only.
    auto kept = history_.after(after, author_of(p));
    texts.insert(texts.end(), std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
    if (after > 0 && after < history_.dropped_to())
      notice(p.peer_hello().name + " was away longer than this node keeps the room's lines: those up to #" +
             std::to_string(history_.dropped_to()) + " are not sent to it");
  }
  const auto by_seq = [](const auto& a, const auto& b) { return a.seq < b.seq; };
  std::sort(texts.begin(), texts.end(), by_seq);
  texts.erase(std::unique(texts.begin(), texts.end(), [](const auto& a, const auto& b) { return a.seq == b.seq; }),
              texts.end());
  for (auto& t : texts) p.send_text(std::move(t));
  return texts.size();
}

std::uint64_t room::author_of(const participant& p) const {
  if (!p.resume_key().empty()) return p.peer_hello().node_id;
  return (node_id_ ^ 0x8000'0000'0000'0000ull) + static_cast<std::uint64_t>(p.peer_id());
}

room::member* room::member_locked(const participant& p) {
  const auto it = std::find_if(sessions_.begin(), sessions_.end(), [&](auto& m) { return m.peer.lock().get() == &p; });
  return it == sessions_.end() ? nullptr : &*it;
}

void room::log_forgotten(const std::vector<std::string>& names) {
  for (const auto& name : names)
    notice(name + " has been away too long: what was said meanwhile is no longer kept for it");
}

void room::notice(const std::string& text) {
  for (auto* sub : subscribers_) sub->on_notice(text);
}

bool room::video_wanted() const {
  return std::any_of(subscribers_.begin(), subscribers_.end(), [](const auto* sub) { return sub->wants_video(); });
}

void room::stop_all(protocol::bye_reason reason, std::string text, bool flush, bool also_future) {
  std::lock_guard lock(mutex_);
  for (auto& m : sessions_)
    if (auto s = m.peer.lock()) s->stop(reason, text, flush);
  if (also_future) stop_future_ = pending_stop{reason, std::move(text), flush};
}

void room::broadcast_video(const video::frame_set_ptr& f) {
  std::lock_guard lock(mutex_);
  for (auto& m : sessions_)
    if (auto s = m.peer.lock()) s->send_video(f);
}

std::vector<std::shared_ptr<participant>> room::sessions() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<participant>> out;
  for (auto& m : sessions_)
    if (auto s = m.peer.lock()) out.push_back(std::move(s));
  return out;
}

std::vector<stats::peer_view> room::views() const {
  std::vector<stats::peer_view> views;
  for (const auto& s : sessions()) views.push_back({s->peer_id(), s->peer_hello().name, s->remote(), s->stats()});
  return views;
}

std::size_t room::senders_remembered() const {
  std::lock_guard lock(mutex_);
  return delivered_.size();
}

std::size_t room::texts_waiting_for_absent() const {
  std::lock_guard lock(mutex_);
  return absent_.total_texts();
}

void room::on_joined(const std::shared_ptr<participant>& s) {
  const auto key = s->resume_key();
  std::shared_ptr<participant> replaced;
  std::size_t resent = 0;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [](auto& m) { return m.peer.expired(); });
    // The same peer on a new link while we still hold its old one (we had not
    // noticed that link die): the old one hands its unacknowledged text over as
    // it closes, and until then what is said for the peer waits, in order.
    if (!key.empty()) {
      const auto old = std::find_if(sessions_.begin(), sessions_.end(), [&](auto& m) { return m.resume_key == key; });
      if (old != sessions_.end()) {
        replaced = old->peer.lock();
        auto late = std::move(old->late);
        const auto stayed = std::chrono::steady_clock::now() - old->joined_at;
        sessions_.erase(old);
        // Null when that session ended just now: its own on_closed then parks its text as usual.
        if (replaced) replaced_[replaced.get()] = key;
        // The entry that collects text for the peer until the handover (taken at once when there is none).
        log_forgotten(absent_.park(key, s->peer_hello().name, std::move(late), stayed));
      }
    }
    if (sessions_.size() >= max_peers_) {
      // Refused after the handshake, so a chat_node peer hears why (bye "room full").
      notice("refused " + s->peer_hello().name + " (" + s->remote() + "): the room is full (" +
             std::to_string(max_peers_) + " peers)");
      s->stop(protocol::bye_reason::room_full, "the room is full", false);
      return;
    }
    member m{s, key, false, {}};
    m.author = author_of(*s);
    // With an order, a chat_node peer is sent nothing until it says where it is.
    m.placed = !order_ || key.empty();
    sessions_.push_back(std::move(m));
    if (!replaced && sessions_.back().placed) resent = resume_locked(*s, key);
    if (stop_future_) s->stop(stop_future_->reason, stop_future_->text, stop_future_->flush);
  }
  // Announced once registered, so whoever reacts to the news (/peers, /stats) finds the peer.
  for (auto* sub : subscribers_) sub->on_joined(*s);
  if (replaced) {
    notice(s->peer_hello().name + " is back on a new connection: closing its old one (" + replaced->remote() + ")");
    replaced->abandon("replaced by a new connection from the same peer");
  }
  if (resent > 0)
    notice("sending " + s->peer_hello().name + " the " + term::count_of(resent, "message") + " it missed");
}

bool room::first_time_locked(std::uint64_t node_id, std::uint64_t seq) {
  const auto [it, fresh] = delivered_.try_emplace(node_id, last_delivered{0, 0});
  if (seq <= it->second.seq) return false;
  it->second = {seq, ++texts_heard_};
  if (fresh && delivered_.size() > max_senders_remembered)
    delivered_.erase(std::min_element(delivered_.begin(), delivered_.end(),
                                      [](const auto& a, const auto& b) { return a.second.heard < b.second.heard; }));
  return true;
}

bool room::on_text(participant& s, protocol::text_message m) {
  const bool resumes = !s.resume_key().empty();
  std::uint64_t author = 0;
  {
    std::lock_guard lock(mutex_);
    author = author_of(s);
    if (!order_) {
      if (resumes && !first_time_locked(author, m.seq)) return false;
    } else if (resumes) {
      // Stored and delivered already: the peer resent it because that ack was lost with a link.
      const auto d = delivered_.find(author);
      if (d != delivered_.end() && m.seq <= d->second.seq) return false;
    } else {
      auto* mine = member_locked(s);
      if (!mine) return false;
      m.seq = ++mine->lines_numbered;
    }
  }
  if (order_) {
    // It reaches the room as the order returns it. One the order cannot take
    // now stays unacknowledged, so a chat_node peer keeps it.
    order_->submit(author, m);
    return true;
  }
  for (auto* sub : subscribers_) sub->on_text(m, &s);
  std::lock_guard lock(mutex_);
  auto t = make_text_locked(m.origin, std::move(m.body));
  deliver_locked(t.second, author);
  return true;
}

bool room::ordered(const participant& via, ordered_text t) {
  {
    std::lock_guard lock(mutex_);
    if (!first_time_locked(t.author, t.author_seq)) return false;
  }
  // The local user's own lines were shown when said.
  if (t.author != node_id_)
    for (auto* sub : subscribers_) sub->on_text(t.m, &via);
  std::lock_guard lock(mutex_);
  const auto out = encode_text(t.m);
  history_.add(t.author, out);
  deliver_locked(out, t.author);
  return true;
}

std::uint64_t room::known_up_to(const participant& p) const {
  if (p.resume_key().empty()) return 0;
  std::lock_guard lock(mutex_);
  const auto d = delivered_.find(p.peer_hello().node_id);
  return d == delivered_.end() ? 0 : d->second.seq;
}

void room::on_position(participant& p, std::uint64_t seq) {
  if (!order_) return;
  std::size_t resent = 0;
  {
    std::lock_guard lock(mutex_);
    auto* m = member_locked(p);
    if (!m || m->placed) return;
    m->placed = true;
    m->position = seq;
    // A replaced link still handing over: the handover sends it all once done.
    const auto key = m->resume_key;
    if (std::any_of(replaced_.begin(), replaced_.end(), [&](auto& e) { return e.second == key; })) return;
    resent = resume_locked(p, key, seq);
  }
  if (resent > 0 && seq > 0)
    notice("sending " + p.peer_hello().name + " the " + term::count_of(resent, "message") + " it missed");
}

void room::stored(std::uint64_t node_id, std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  for (const auto& m : sessions_)
    if (const auto p = m.peer.lock(); p && !p->resume_key().empty() && p->peer_hello().node_id == node_id)
      p->acknowledge(seq);
}

void room::on_video(participant& s, protocol::received_frame f) {
  // A frame the peer captured itself is its stream; one it relays from
  // elsewhere (a star's centre passes everyone's on) is a stream of its own,
  // decoded and shown apart.
  int stream = s.peer_id();
  std::string name = s.peer_hello().name;
  std::vector<std::shared_ptr<participant>> others;
  {
    std::lock_guard lock(mutex_);
    if (f.header.origin != name) {
      const std::pair key{s.peer_id(), f.header.origin};
      auto it = relayed_streams_.find(key);
      if (it == relayed_streams_.end()) {
        const auto relayed = std::count_if(relayed_streams_.begin(), relayed_streams_.end(),
                                           [&](const auto& e) { return e.first.first == s.peer_id(); });
        if (static_cast<std::size_t>(relayed) >= max_peers_) {
          if (full_relays_.insert(s.peer_id()).second)
            notice(s.peer_hello().name + " (" + s.remote() + ") relays video of more than " +
                   std::to_string(max_peers_) + " others: frames of the ones beyond are dropped");
          return;
        }
        it = relayed_streams_.emplace(key, next_relayed_stream_++).first;
      }
      stream = it->second;
      name = f.header.origin;
    }
    for (auto& m : sessions_)
      if (auto p = m.peer.lock(); p && p.get() != &s) others.push_back(std::move(p));
  }
  const bool observed = video_wanted();
  if (others.empty() && !observed) return;
  // The received bytes, moved, not copied: every relay, page and the decoder share them.
  const auto& h = f.header;
  const auto shared = std::make_shared<const video::encoded_frame>(h.frame_seq, h.capture_us, h.width, h.height,
                                                                   h.origin, std::move(f.jpeg), video::stage_times{});
  if (!others.empty()) {
    const auto relayed = std::make_shared<const video::frame_set>(std::vector<video::frame_ptr>{shared});
    for (auto& p : others) p->send_video(relayed);
  }
  if (observed) {
    const arrived_frame arrived{s, stream, name, shared, f.first_chunk_ns, f.complete_ns};
    for (auto* sub : subscribers_) sub->on_video(arrived);
  }
}

void room::on_leaving(participant& s) {
  std::lock_guard lock(mutex_);
  for (auto& m : sessions_)
    if (m.peer.lock().get() == &s) m.leaving = true;
}

void room::on_closed(participant& s, bool joined, const std::string& reason, std::vector<outgoing_text> undelivered) {
  std::vector<int> streams{s.peer_id()};
  bool was_in_room = false;
  bool was_replaced = false;
  std::size_t waiting = 0;
  std::chrono::steady_clock::duration stayed{};
  const auto& name = s.peer_hello().name;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(relayed_streams_, [&](const auto& e) {
      if (e.first.first != s.peer_id()) return false;
      streams.push_back(e.second);
      return true;
    });
    full_relays_.erase(s.peer_id());
    std::erase_if(sessions_, [&](auto& m) {
      auto p = m.peer.lock();
      if (p.get() == &s) {
        was_in_room = true;
        stayed = std::chrono::steady_clock::now() - m.joined_at;
        // What was said after the link began to end is newer than all it had.
        undelivered.insert(undelivered.end(), std::make_move_iterator(m.late.begin()),
                           std::make_move_iterator(m.late.end()));
      }
      return !p || p.get() == &s;
    });
    if (const auto r = replaced_.find(&s); r != replaced_.end()) {
      // The handover: the new link gets this one's unacknowledged text and
      // everything said since, in order (the peer drops what it already had).
      const auto key = r->second;
      replaced_.erase(r);
      was_replaced = true;
      log_forgotten(absent_.park(key, name, std::move(undelivered), stayed));
      const bool more = std::any_of(replaced_.begin(), replaced_.end(), [&](auto& e) { return e.second == key; });
      const auto next = std::find_if(sessions_.begin(), sessions_.end(), [&](auto& m) { return m.resume_key == key; });
      if (!more && next != sessions_.end() && next->placed)
        if (auto p = next->peer.lock()) resume_locked(*p, key, next->position);
    } else if (const auto key = s.resume_key(); was_in_room && !key.empty()) {
      if (!s.ended_in_order()) {
        log_forgotten(absent_.park(key, name, std::move(undelivered), stayed));
        waiting = absent_.texts_for(key);
      } else {
        // Gone in order: any later link from this node carries new sequence numbers.
        delivered_.erase(s.peer_hello().node_id);
      }
    }
  }
  for (int stream : streams)
    for (auto* sub : subscribers_) sub->on_stream_ended(stream);
  if (was_replaced) {
    notice(name + "'s old connection (" + s.remote() + ") closed: " + reason);
  } else if (was_in_room) {
    for (auto* sub : subscribers_) sub->on_left(s, reason);
    if (waiting > 0)
      notice(term::count_of(waiting, "message") + (waiting == 1 ? " waits" : " wait") + " for " + name +
             " to come back");
  } else if (!joined) {
    notice("connection with " + s.remote() + " closed before the handshake completed: " + reason);
  }
}

}  // namespace chatnode::peer
