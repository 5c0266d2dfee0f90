#include "chatnode/peer/teaching_session.hpp"

#include "chatnode/clock.hpp"
#include "chatnode/endpoint.hpp"
#include "chatnode/peer/write_batch.hpp"
#include "chatnode/protocol/errors.hpp"
#include "chatnode/protocol/utf8.hpp"

namespace chatnode::peer {
namespace {

using protocol::wire_protocol;

// How many bytes one read asks for; the buffer never holds more than a frame plus this.
constexpr std::size_t read_chunk = std::size_t{64} * 1024;

/// "nc 127.0.0.1:5555", "lecture [::1]:5555": what the room calls a peer that has no name to give.
std::string teaching_name(wire_protocol kind, const std::string& remote) {
  const auto name = (kind == wire_protocol::lecture_video ? "lecture " : "nc ") + remote;
  return std::string(protocol::utf8_prefix(name, protocol::max_name_bytes));
}

}  // namespace

teaching_session::teaching_session(tcp::socket socket, wire_protocol kind, int peer_id, teaching_config cfg,
                                   session_events& events, std::span<const std::uint8_t> already_read)
    : participant(socket.get_executor(), describe_remote(socket), peer_id),
      socket_(std::move(socket)),
      kind_(kind),
      cfg_(cfg),
      events_(events),
      read_buffer_(kind == wire_protocol::lecture_video
                       ? protocol::lecture_header_bytes + protocol::max_lecture_frame_bytes + read_chunk
                       : read_chunk),
      lines_(
          protocol::max_text_bytes,
          [this](std::string line) {
            if (text_error_) return;
            if (!protocol::is_valid_utf8(line)) return void(text_error_ = protocol::errc::bad_utf8);
            if (line.empty()) return;
            stats_->texts_received.fetch_add(1, std::memory_order_relaxed);
            events_.on_text(*this, {0, wall_us(), peer_.name, std::move(line)});
          },
          [this](std::size_t) { text_error_ = protocol::errc::line_too_long; }),
      outbox_(cfg_.text_budget),
      inbox_(cfg_.text_budget),
      wake_(executor_, clock::time_point::max()),
      stop_timer_(executor_, clock::time_point::max()) {
  const auto n = net::buffer_copy(read_buffer_.prepare(already_read.size()), net::buffer(already_read));
  read_buffer_.commit(n);
  stats_->bytes_received.fetch_add(n, std::memory_order_relaxed);
  peer_.name = teaching_name(kind, remote_);
  peer_.capabilities =
      kind == wire_protocol::lecture_video ? protocol::cap_video_send | protocol::cap_video_recv : protocol::cap_text;
}

awaitable<void> teaching_session::run() {
  using namespace net::experimental::awaitable_operators;
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  // No handshake: the peer is in the room from its first byte.
  if (kind_ == wire_protocol::lecture_video && cfg_.demand) wants_ = cfg_.demand->want(cfg_.full);
  events_.on_joined(shared_from_this());

  co_await (read_loop() || write_loop() || stop_watch());
  wants_.release();

  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  end_.note("closed");
  events_.on_leaving(*this);
  events_.on_closed(*this, true, end_.reason(), {});
}

void teaching_session::send_text(outgoing_text t) {
  if (kind_ != wire_protocol::raw_text) return;  // the lecture video chat has no text
  if (inbox_.put(std::move(t))) net::post(executor_, [self = shared_from_this()] { self->take_texts(); });
}

void teaching_session::take_texts() {
  // Queued while stopping too: a graceful stop writes it before closing.
  const auto d = inbox_.drain([this](outgoing_text&& t) { return outbox_.push_line(std::move(t.line)); });
  stats_->texts_sent.fetch_add(d.pushed, std::memory_order_relaxed);
  if (d.overflowed) {
    end_.note("slow consumer: over " + std::to_string(cfg_.text_budget) + " bytes of text unsent");
    do_stop(false);
    return;
  }
  wake_.cancel();
}

void teaching_session::send_video(video::frame_set_ptr f) {
  if (kind_ != wire_protocol::lecture_video || !reserve_video_post()) return;
  net::post(executor_, [self = shared_from_this(), f = std::move(f)]() mutable {
    self->video_post_taken();
    if (self->end_.stopping()) return;
    const auto replaced_before = self->outbox_.video_frames_replaced();
    // No rung: the teaching program's link is not measured, and latest wins is its only bound.
    self->outbox_.offer_video(f->biggest());
    self->stats_->frames_replaced.fetch_add(self->outbox_.video_frames_replaced() - replaced_before,
                                            std::memory_order_relaxed);
    self->wake_.cancel();
  });
}

void teaching_session::stop(protocol::bye_reason reason, std::string, bool flush) {
  // These protocols have no goodbye: the reason is only logged.
  net::post(executor_, [self = shared_from_this(), reason, flush] {
    self->end_.note(std::string("we closed: ") + to_string(reason));
    self->do_stop(flush);
  });
}

void teaching_session::abandon(std::string reason) {
  net::post(executor_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    self->end_.note(std::move(reason));
    error_code ignored;
    self->socket_.close(ignored);  // every pending operation ends, and with them run()
  });
}

void teaching_session::do_stop(bool flush) {
  const auto r = end_.request(flush);
  if (!r.first) {
    if (r.changed) wake_.cancel();
    return;
  }
  outbox_.drop_pending_video();
  stop_timer_.expires_after(flush ? cfg_.flush_timeout + cfg_.linger_timeout : cfg_.linger_timeout);
  wake_.cancel();
}

void teaching_session::fail(const error_code& ec) {
  end_.note("protocol error: " + ec.message());
  do_stop(false);
}

bool teaching_session::take_lecture_frames() {
  for (;;) {
    const auto data = read_buffer_.data();
    const auto r = lecture_.parse({static_cast<const std::uint8_t*>(data.data()), data.size()});
    if (r.status == protocol::parse_status::error) return fail(r.error), false;
    if (r.status == protocol::parse_status::need_more) return true;
    protocol::received_frame f;
    f.header.frame_seq = ++frames_in_;
    f.header.total_bytes = static_cast<std::uint32_t>(r.payload.size());
    // The format carries no capture time: latency then counts from arrival.
    f.header.capture_us = wall_us();
    f.header.origin = peer_.name;
    f.jpeg.assign(r.payload.begin(), r.payload.end());
    f.first_chunk_ns = f.complete_ns = steady_ns();
    read_buffer_.consume(r.consumed);
    stats_->frames_received.fetch_add(1, std::memory_order_relaxed);
    events_.on_video(*this, std::move(f));
  }
}

bool teaching_session::take_text(std::string_view bytes, bool message_ends) {
  lines_.feed(bytes);
  if (message_ends) lines_.finish();
  if (text_error_) fail(text_error_);
  return !text_error_;
}

awaitable<void> teaching_session::read_loop() {
  for (;;) {
    if (kind_ == wire_protocol::lecture_video) {
      if (!take_lecture_frames()) co_return;
    } else if (read_buffer_.size() > 0) {
      const auto data = read_buffer_.data();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      // The teaching text chat sends each message without a newline and reads
      // it back as one recv(): bytes that stop short of a newline, with nothing
      // more waiting, are a whole message too; unless they stop inside a
      // character, whose other bytes TCP has yet to deliver.
      error_code ignored;
      const bool message_ends =
          text.back() != '\n' && socket_.available(ignored) == 0 && protocol::incomplete_utf8_tail(text) == 0;
      const bool go_on = take_text(text, message_ends);
      read_buffer_.consume(data.size());
      if (!go_on) co_return;
    }

    auto [ec, n] = co_await socket_.async_read_some(read_buffer_.prepare(read_chunk), use_nothrow);
    if (ec) {
      const bool stop = co_await cancelled();
      if (stop) co_return;
      if (ec != net::error::eof) {
        end_.note(ec.message());
      } else if (read_buffer_.size() > 0) {
        end_.note(protocol::make_error_code(protocol::errc::truncated).message());
      } else {
        lines_.finish();
        end_.note(end_.stopping() ? "closed" : "connection closed by peer");
        ended_in_order_ = true;
      }
      co_return;
    }
    read_buffer_.commit(n);
    stats_->bytes_received.fetch_add(n, std::memory_order_relaxed);
  }
}

awaitable<void> teaching_session::write_loop() {
  std::vector<net::const_buffer> buffers;
  for (;;) {
    if (end_.stopping() && (end_.forced() || !outbox_.has_pending())) break;
    if (!outbox_.has_pending()) {
      const bool stop = co_await cancelled_after(wake_);
      if (stop) co_return;
      continue;
    }
    // A stop's own deadline, once set, is the nearer one and stays.
    if (!end_.stopping()) stop_timer_.expires_after(cfg_.write_timeout);
    const auto ec = co_await write_batch(socket_, outbox_, buffers, *stats_);
    if (!end_.stopping()) stop_timer_.expires_at(clock::time_point::max());
    if (ec) {
      const bool stop = co_await cancelled();
      if (!stop) end_.note(ec.message());
      co_return;
    }
  }

  // Everything we meant to send is out: close our direction, and let the read
  // loop end the wait when the peer closes its own.
  ended_in_order_ = !end_.forced();
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  net::steady_timer linger(executor_, cfg_.linger_timeout);
  co_await linger.async_wait(use_nothrow);
}

awaitable<void> teaching_session::stop_watch() {
  // A peer that stops reading would hold a write, or a flushing stop, for ever:
  // the deadline the write loop or do_stop set ends the link.
  for (;;) {
    const bool stop = co_await cancelled_after(stop_timer_);
    if (stop) co_return;
    if (clock::now() >= stop_timer_.expiry()) {
      end_.note(end_.stopping() ? "the peer did not take our last bytes in time"
                                : "the peer took nothing for " + std::to_string(cfg_.write_timeout.count()) +
                                      " ms: it has stopped reading");
      co_return;
    }
  }
}

}  // namespace chatnode::peer
