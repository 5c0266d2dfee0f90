#include "chatnode/peer/outbox.hpp"

#include "chatnode/clock.hpp"

namespace chatnode::peer {

void outbox::push_control(protocol::bytes frame) { control_.push_back(std::move(frame)); }

void outbox::set_ping(std::uint64_t t1_us) {
  ping_pending_ = true;
  ping_t1_ = t1_us;
}

void outbox::set_pong(std::uint64_t t1_us, std::uint64_t t2_us) {
  pong_pending_ = true;
  pong_t1_ = t1_us;
  pong_t2_ = t2_us;
}

void outbox::set_ack(std::uint64_t seq) {
  ack_pending_ = true;
  ack_seq_ = seq;
}

bool outbox::push_text(outgoing_text t) {
  const auto size = t.frame->size();
  if (text_bytes_ + size > text_budget_) return false;
  text_bytes_ += size;
  text_queue_.push_back(std::move(t));
  return true;
}

void outbox::offer_video(video::frame_ptr f) {
  if (pending_video_) ++video_replaced_;
  pending_video_ = std::move(f);
}

void outbox::drop_pending_video() {
  if (pending_video_) ++video_replaced_;
  pending_video_.reset();
  if (current_video_ && next_offset_ == 0 && !inflight_chunk_) current_video_.reset();
}

void outbox::hold_back_waiting_video() {
  if (!video_waiting()) return;
  pending_video_.reset();
  ++video_held_back_;
}

bool outbox::has_pending() const {
  return !control_.empty() || ping_pending_ || pong_pending_ || ack_pending_ || !text_queue_.empty() ||
         current_video_ || pending_video_;
}

void outbox::prepare(std::vector<boost::asio::const_buffer>& out) {
  out.clear();
  while (!control_.empty() && out.size() < max_buffers_per_write) {
    inflight_control_.push_back(std::move(control_.front()));
    control_.pop_front();
    out.emplace_back(boost::asio::buffer(inflight_control_.back()));
  }
  if (ping_pending_ && out.size() < max_buffers_per_write) {
    inflight_ping_ = protocol::encode(protocol::ping{ping_t1_});
    ping_pending_ = false;
    out.emplace_back(boost::asio::buffer(inflight_ping_));
  }
  if (pong_pending_ && out.size() < max_buffers_per_write) {
    inflight_pong_ = protocol::encode(protocol::pong{pong_t1_, pong_t2_, wall_us()});
    pong_pending_ = false;
    out.emplace_back(boost::asio::buffer(inflight_pong_));
  }
  if (ack_pending_ && out.size() < max_buffers_per_write) {
    inflight_ack_ = protocol::encode(protocol::ack{ack_seq_});
    ack_pending_ = false;
    out.emplace_back(boost::asio::buffer(inflight_ack_));
  }
  std::size_t text_bytes = 0;
  while (!text_queue_.empty() && out.size() < max_buffers_per_write) {
    auto& t = text_queue_.front();
    if (text_bytes > 0 && text_bytes + t.frame->size() > max_text_bytes_per_write) break;
    text_bytes += t.frame->size();
    inflight_text_.push_back(t.frame);
    out.emplace_back(boost::asio::buffer(*t.frame));
    unacked_.push_back(std::move(t));
    text_queue_.pop_front();
  }
  // A chunk needs two buffers; without room, a waiting frame stays replaceable.
  if (out.size() + 2 > max_buffers_per_write) return;
  if (!current_video_ && pending_video_) {
    current_video_ = std::move(pending_video_);
    next_offset_ = 0;
  }
  if (current_video_) {
    const video::chunk c{next_offset_, std::min(chunk_bytes_, current_video_->jpeg().size() - next_offset_)};
    inflight_prefix_ = current_video_->chunk_prefix(c);
    const auto data = current_video_->chunk_data(c);
    out.emplace_back(boost::asio::buffer(inflight_prefix_));
    out.emplace_back(boost::asio::buffer(data.data(), data.size()));
    inflight_chunk_bytes_ = c.size;
    inflight_chunk_ = true;
  }
}

void outbox::written() {
  inflight_control_.clear();
  inflight_ack_.clear();
  inflight_ping_.clear();
  inflight_pong_.clear();
  inflight_text_.clear();
  if (inflight_chunk_) {
    inflight_chunk_ = false;
    next_offset_ += inflight_chunk_bytes_;
    if (next_offset_ == current_video_->jpeg().size()) {
      current_video_.reset();
      next_offset_ = 0;
      ++video_sent_;
    }
  }
}

void outbox::acked(std::uint64_t seq) {
  while (!unacked_.empty() && unacked_.front().seq <= seq) {
    text_bytes_ -= unacked_.front().frame->size();
    unacked_.pop_front();
  }
}

std::vector<outgoing_text> outbox::take_undelivered() {
  std::vector<outgoing_text> out(std::make_move_iterator(unacked_.begin()), std::make_move_iterator(unacked_.end()));
  out.insert(out.end(), std::make_move_iterator(text_queue_.begin()), std::make_move_iterator(text_queue_.end()));
  unacked_.clear();
  text_queue_.clear();
  text_bytes_ = 0;
  return out;
}

}  // namespace chatnode::peer
