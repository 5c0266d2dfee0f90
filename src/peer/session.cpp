#include "chatnode/peer/session.hpp"

#include <algorithm>

#include "chatnode/clock.hpp"
#include "chatnode/endpoint.hpp"
#include "chatnode/pacing/tcp_probe.hpp"
#include "chatnode/peer/write_batch.hpp"
#include "chatnode/protocol/errors.hpp"

namespace chatnode::peer {
namespace {

using namespace std::chrono_literals;
using protocol::frame_type;

// How many bytes one read asks for; the buffer never holds more than a frame plus this.
constexpr std::size_t read_chunk = std::size_t{64} * 1024;

}  // namespace

session::session(link l, int peer_id, session_config cfg, session_events& events,
                 std::span<const std::uint8_t> already_read)
    : participant(l.socket().get_executor(), describe_remote(l.socket()), peer_id),
      link_(std::move(l)),
      cfg_(std::move(cfg)),
      events_(events),
      read_buffer_(protocol::max_frame_bytes + read_chunk),
      outbox_(cfg_.text_budget),
      inbox_(cfg_.text_budget),
      adapter_(cfg_.adapt),
      wake_(executor_, clock::time_point::max()),
      heartbeat_(executor_) {
  const auto n = net::buffer_copy(read_buffer_.prepare(already_read.size()), net::buffer(already_read));
  read_buffer_.commit(n);
  stats_->bytes_received.fetch_add(n, std::memory_order_relaxed);
  if (cfg_.after_secret_exchange) parser_ = protocol::frame_parser::after_preamble();
}

awaitable<void> session::run() {
  using namespace net::experimental::awaitable_operators;
  error_code ignored;
  // Text and small control frames interleave with video chunks; don't let Nagle hold them back.
  link_.socket().set_option(tcp::no_delay(true), ignored);
  started_ = last_rx_ = clock::now();
  outbox_.push_control(cfg_.after_secret_exchange ? protocol::encode(cfg_.greeting)
                                                  : protocol::encode_greeting(cfg_.greeting));

  co_await (read_loop() || write_loop() || heartbeat_loop());
  wants_.release();

  link_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  link_.socket().close(ignored);
  end_.note("closed");
  // No text may be posted to us once we have taken what was undelivered: the
  // room stops sending to us, then the texts it posted before are let in.
  events_.on_leaving(*this);
  co_await net::post(executor_, net::use_awaitable);
  events_.on_closed(*this, joined_, end_.reason(), outbox_.take_undelivered());
}

void session::send_text(outgoing_text t) {
  if (inbox_.put(std::move(t))) net::post(executor_, [self = shared_from_this()] { self->take_texts(); });
}

void session::take_texts() {
  if (!joined_) {
    inbox_.take();  // nobody to send them to
    return;
  }
  // Queued while stopping too: a graceful stop sends it before bye, and a
  // link that ends first hands it back with the rest (take_undelivered).
  const auto d = inbox_.drain([this](outgoing_text&& t) { return outbox_.push_text(std::move(t)); });
  stats_->texts_sent.fetch_add(d.pushed, std::memory_order_relaxed);
  if (d.overflowed) {
    end_.note("slow consumer: over " + std::to_string(cfg_.text_budget) + " bytes of text unacknowledged");
    do_stop(protocol::bye_reason::slow_consumer, "too far behind", false);
    return;
  }
  wake_writer();
}

void session::send_video(video::frame_set_ptr f) {
  if (!reserve_video_post()) return;
  net::post(executor_, [self = shared_from_this(), f = std::move(f)]() mutable {
    self->video_post_taken();
    if (self->end_.stopping() || !self->joined_ || !(self->peer_.capabilities & protocol::cap_video_recv)) return;
    if (!self->adapter_.take_offered(clock::now(), f->own())) return;  // the rung's frame rate leaves this one out
    const auto replaced_before = self->outbox_.video_frames_replaced();
    self->outbox_.offer_video(f->pick(self->adapter_.rung().picture));
    self->stats_->frames_replaced.fetch_add(self->outbox_.video_frames_replaced() - replaced_before,
                                            std::memory_order_relaxed);
    self->wake_writer();
  });
}

void session::stop(protocol::bye_reason reason, std::string text, bool flush) {
  net::post(executor_, [self = shared_from_this(), reason, text = std::move(text), flush]() mutable {
    self->do_stop(reason, std::move(text), flush);
  });
}

void session::abandon(std::string reason) {
  net::post(executor_,
            [self = shared_from_this(), reason = std::move(reason)]() mutable { self->close_link(std::move(reason)); });
}

void session::close_link(std::string reason) {
  end_.note(std::move(reason));
  error_code ignored;
  link_.socket().close(ignored);  // every pending operation ends, and with them run()
}

void session::ack_to(std::uint64_t seq) {
  seq = std::min(seq, last_text_seq_);
  if (seq <= acked_to_) return;
  acked_to_ = seq;
  outbox_.set_ack(seq);
  wake_writer();
}

void session::acknowledge(std::uint64_t seq) {
  net::post(executor_, [self = shared_from_this(), seq] { self->ack_to(seq); });
}

std::string node_resume_key(std::uint64_t node_id) {
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(node_id));
  return std::string("node ") + id;
}

std::string session::resume_key() const {
  return cfg_.resume_key.empty() ? node_resume_key(peer_.node_id) : cfg_.resume_key;
}

void session::do_stop(protocol::bye_reason reason, std::string text, bool flush) {
  const auto r = end_.request(flush);
  if (!r.first) {
    if (r.changed) wake_writer();
    return;
  }
  bye_ = {reason, std::move(text)};
  stop_deadline_ = clock::now() + cfg_.flush_timeout;
  outbox_.drop_pending_video();
  wake_writer();
  heartbeat_.cancel();
}

awaitable<void> session::read_loop() {
  for (;;) {
    for (;;) {
      const auto data = read_buffer_.data();
      const auto r = parser_.parse({static_cast<const std::uint8_t*>(data.data()), data.size()});
      if (r.status == protocol::parse_status::error) {
        protocol_failure(r.error, "");
        co_return co_await discard_until_closed();
      }
      if (r.status == protocol::parse_status::need_more) {
        read_buffer_.consume(r.consumed);
        break;
      }
      const bool go_on = handle_frame(r.type, r.payload);
      read_buffer_.consume(r.consumed);
      if (!go_on) co_return co_await discard_until_closed();
    }

    auto [ec, n] = co_await link_.read_some(read_buffer_.prepare(read_chunk));
    if (ec) {
      const bool stop = co_await cancelled();
      if (stop) co_return;
      if (ec == net::error::eof) {
        if (read_buffer_.size() > 0 || assembler_.in_progress())
          end_.note(protocol::make_error_code(protocol::errc::truncated).message());
        else
          end_.note(end_.stopping() ? "closed" : "connection closed by peer without bye");
      } else {
        end_.note(ec.message());
      }
      co_return;
    }
    read_buffer_.commit(n);
    stats_->bytes_received.fetch_add(n, std::memory_order_relaxed);
    last_rx_ = clock::now();
  }
}

awaitable<void> session::discard_until_closed() {
  // Keep reading (and ignoring) until the peer closes or the write loop has
  // sent bye and given up waiting: closing with unread data would reset the
  // connection and could destroy our bye before the peer reads it.
  std::array<std::uint8_t, 4096> sink;
  for (;;) {
    auto [ec, n] = co_await link_.read_some(net::buffer(sink));
    if (ec) co_return;
  }
}

void session::protocol_failure(const error_code& ec, std::string_view where) {
  std::string reason = "protocol error";
  if (!where.empty()) reason.append(" in ").append(where);
  reason.append(": ").append(ec.message());
  end_.note(reason);
  do_stop(ec == protocol::errc::version_mismatch ? protocol::bye_reason::version_mismatch
                                                 : protocol::bye_reason::protocol_error,
          ec.message(), false);
}

bool session::handle_frame(std::uint8_t type, std::span<const std::uint8_t> payload) {
  if (joined_ && !position_heard_) {
    // The peer's first frame after the hello: an ack there says where it is in
    // our numbering from an earlier link (PROTOCOL.md 3.8); anything else, nowhere.
    position_heard_ = true;
    std::uint64_t at = 0;
    if (static_cast<frame_type>(type) == frame_type::ack)
      if (const auto a = protocol::decode_ack(payload)) at = a->seq;
    events_.on_position(*this, at);
  }
  switch (static_cast<frame_type>(type)) {
    case frame_type::hello: {
      auto h = protocol::decode_hello(payload);
      if (!h) return protocol_failure(h.error(), "hello"), false;
      if (h->version != protocol::protocol_version) {
        end_.note("peer speaks protocol version " + std::to_string(h->version) + ", we speak " +
                  std::to_string(protocol::protocol_version));
        do_stop(protocol::bye_reason::version_mismatch,
                "version " + std::to_string(protocol::protocol_version) + " required", false);
        return false;
      }
      if (cfg_.vet) {
        auto refusal = cfg_.vet(*h);
        if (!refusal.empty()) {
          end_.note(refusal);
          do_stop(protocol::bye_reason::not_trusted, "your certificate is not the one this node expects from you",
                  false);
          return false;
        }
      }
      peer_ = std::move(*h);
      joined_ = true;
      // Met before under this node id: its numbering goes on, and we say how
      // far we have it before anything else, so nothing is sent twice.
      if (const auto had = events_.known_up_to(*this); had > 0) {
        last_text_seq_ = acked_to_ = had;
        outbox_.push_control(protocol::encode(protocol::ack{had}));
      }
      if (cfg_.demand && (peer_.capabilities & protocol::cap_video_recv))
        wants_ = cfg_.demand->want(adapter_.rung().picture);
      next_ping_ = clock::now();  // measure round trip and clock offset at once
      heartbeat_.cancel();
      events_.on_joined(shared_from_this());
      return true;
    }
    case frame_type::text: {
      auto m = protocol::decode_text(payload);
      if (!m) return protocol_failure(m.error(), "text"), false;
      // Sequence numbers only grow on a link; anything else is a resend already delivered.
      if (m->seq <= last_text_seq_) return true;
      last_text_seq_ = m->seq;
      const auto seq = m->seq;
      const bool fresh = events_.on_text(*this, std::move(*m));
      if (fresh) stats_->texts_received.fetch_add(1, std::memory_order_relaxed);
      if (fresh && events_.holds_acks(*this)) {
        held_to_ = seq;  // acknowledged once stored
      } else if (held_to_ <= acked_to_) {
        // Acknowledged even when the room already had it from an earlier link:
        // the sender resent it because that link's ack was lost. Not while
        // earlier texts wait to be stored: this ack would stand for them too.
        ack_to(seq);
      }
      return true;
    }
    case frame_type::video_chunk: {
      auto c = protocol::decode_video_chunk(payload);
      if (!c) return protocol_failure(c.error(), "video"), false;
      auto f = assembler_.add(*c);
      if (!f) return protocol_failure(f.error(), "video"), false;
      if (*f) {
        stats_->frames_received.fetch_add(1, std::memory_order_relaxed);
        events_.on_video(*this, std::move(**f));
      }
      return true;
    }
    case frame_type::ping: {
      auto p = protocol::decode_ping(payload);
      if (!p) return protocol_failure(p.error(), "ping"), false;
      outbox_.set_pong(p->t1_us, wall_us());
      wake_writer();
      return true;
    }
    case frame_type::pong: {
      auto p = protocol::decode_pong(payload);
      if (!p) return protocol_failure(p.error(), "pong"), false;
      on_pong(*p);
      return true;
    }
    case frame_type::ack: {
      auto a = protocol::decode_ack(payload);
      if (!a) return protocol_failure(a.error(), "ack"), false;
      outbox_.acked(a->seq);
      wake_writer();  // a graceful stop may have been waiting for this
      return true;
    }
    case frame_type::bye: {
      auto b = protocol::decode_bye(payload);
      if (!b) return protocol_failure(b.error(), "bye"), false;
      std::string reason = to_string(b->reason);
      if (!b->text.empty()) reason.append(": ").append(b->text);
      end_.note(reason);
      bye_exchanged_ = true;
      for_cause_ = b->reason != protocol::bye_reason::normal && b->reason != protocol::bye_reason::shutting_down;
      return false;
    }
  }
  return true;  // unknown type within its size limit: skipped, for forward compatibility
}

void session::on_pong(const protocol::pong& p) {
  const auto now = clock::now();
  const auto a = pings_.answered(p, wall_us(), now);
  if (!a) return;
  if (a->clock_offset_us) stats_->clock_offset_us.store(*a->clock_offset_us, std::memory_order_relaxed);
  stats_->rtt_us.store(a->rtt_us, std::memory_order_relaxed);
  adapter_.ping_answered(a->one_way_us, a->rtt_us, now);
}

awaitable<void> session::write_loop() {
  std::vector<net::const_buffer> buffers;
  for (;;) {
    if (!outbox_.has_pending()) {
      if (end_.stopping() && (end_.forced() || outbox_.all_acked())) break;
      const bool stop = co_await cancelled_after(wake_);
      if (stop) co_return;
      continue;
    }
    adapt_to_link();
    if (!outbox_.has_pending()) continue;
    write_deadline_ = clock::now() + cfg_.write_timeout;
    const auto ec = co_await write_batch(link_, outbox_, buffers, *stats_);
    write_deadline_ = clock::time_point::max();
    if (ec) {
      const bool stop = co_await cancelled();
      if (!stop) end_.note(ec.message());
      co_return;
    }
  }

  const auto bye = protocol::encode(bye_);
  write_deadline_ = clock::now() + cfg_.write_timeout;
  auto [ec, n] = co_await link_.write(net::buffer(bye));
  write_deadline_ = clock::time_point::max();
  if (ec) co_return;
  bye_exchanged_ = true;
  for_cause_ = bye_.reason != protocol::bye_reason::normal && bye_.reason != protocol::bye_reason::shutting_down;
  end_.note(std::string("we said bye: ") + to_string(bye_.reason));
  error_code ignored;
  link_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  // The read loop ends this wait when the peer closes its side.
  net::steady_timer linger(executor_, cfg_.linger_timeout);
  co_await linger.async_wait(use_nothrow);
}

void session::adapt_to_link() {
  const auto now = clock::now();
  const int fd = link_.socket().native_handle();
  adapter_.observe(pacing::read_tcp(fd), now);
  if (const auto limit = adapter_.unsent_limit_change()) pacing::limit_unsent(fd, *limit);
  if (const auto rate = adapter_.pacing_rate_change()) pacing::limit_pacing(fd, *rate);
  outbox_.set_chunk_bytes(adapter_.chunk_bytes());
  wants_.change(adapter_.rung().picture);

  if (outbox_.video_waiting()) {
    if (adapter_.may_start_frame(now)) {
      const auto& f = *outbox_.waiting_video();
      adapter_.frame_started(now, f.jpeg().size(), f.encoding());
      if (next_ping_ > now + cfg_.probe_interval) {
        next_ping_ = now + cfg_.probe_interval;  // video again: measure its queue from the start
        heartbeat_.cancel();
      }
      if (f.encoding() != video::not_ours) {
        stats_->sent_quality.store(f.encoding().quality, std::memory_order_relaxed);
        stats_->sent_width.store(f.width(), std::memory_order_relaxed);
        stats_->sent_height.store(f.height(), std::memory_order_relaxed);
      }
    } else {
      outbox_.hold_back_waiting_video();
      stats_->frames_held.store(outbox_.video_frames_held_back(), std::memory_order_relaxed);
    }
  }
  stats_->link_kbps.store(adapter_.rate() * 8 / 1000, std::memory_order_relaxed);
  stats_->queue_ms.store(static_cast<double>(adapter_.queue_delay().count()) / 1000, std::memory_order_relaxed);
  stats_->rung.store(static_cast<int>(adapter_.rung_index()), std::memory_order_relaxed);
}

awaitable<void> session::heartbeat_loop() {
  for (;;) {
    const auto now = clock::now();
    if (!joined_ && now - started_ >= cfg_.handshake_timeout) {
      end_.note("no handshake within " + std::to_string(cfg_.handshake_timeout.count()) + " ms");
      co_return;
    }
    if (joined_ && now - last_rx_ >= cfg_.peer_timeout) {
      end_.note("peer silent for " + std::to_string(cfg_.peer_timeout.count()) + " ms");
      co_return;
    }
    // The stop watch: a peer that reads nothing (while its pings keep the
    // silence timer happy) cannot hold a write, or a stop, open for longer.
    if (now >= write_deadline_) {
      close_link("a write did not finish within " + std::to_string(cfg_.write_timeout.count()) +
                 " ms: the peer is not reading");
      co_return;
    }
    if (end_.stopping() && now >= stop_deadline_ + cfg_.linger_timeout) {
      close_link("stopped: the peer did not take our bye in time");  // unless a cause came first
      co_return;
    }
    if (end_.stopping() && !end_.forced() && now >= stop_deadline_) {
      end_.force();
      wake_writer();
    }
    if (joined_ && !end_.stopping() && now >= next_ping_) {
      const auto t1 = wall_us();
      pings_.sent(t1);
      outbox_.set_ping(t1);
      wake_writer();
      // While video goes out, often: each answer says how long this link's queue is.
      next_ping_ = now + (adapter_.sends_video() ? cfg_.probe_interval : cfg_.ping_interval);
    }

    // A write's deadline is seen at the next wake at the latest: within a ping
    // interval while joined (while stopping, the stop's own bound is nearer).
    auto next = joined_ ? last_rx_ + cfg_.peer_timeout : started_ + cfg_.handshake_timeout;
    if (joined_ && !end_.stopping()) next = std::min(next, next_ping_);
    if (end_.stopping() && !end_.forced()) next = std::min(next, stop_deadline_);
    if (end_.stopping()) next = std::min(next, stop_deadline_ + cfg_.linger_timeout);
    next = std::min(next, write_deadline_);
    heartbeat_.expires_at(next);
    const bool stop = co_await cancelled_after(heartbeat_);
    if (stop) co_return;
  }
}

}  // namespace chatnode::peer
