#include "chatnode/web/ws_outbox.hpp"

namespace chatnode::web {

bool ws_outbox::push_event(std::shared_ptr<const std::string> e) {
  if (event_bytes_ + e->size() > event_budget_) return false;
  event_bytes_ += e->size();
  events_.push_back(std::move(e));
  return true;
}

void ws_outbox::offer_frame(int peer, video::frame_ptr f) {
  auto& slot = frames_[peer];
  if (slot) ++frames_replaced_;
  slot = std::move(f);
}

void ws_outbox::drop_frames() {
  frames_replaced_ += frames_.size();
  frames_.clear();
}

video::frame_ptr ws_outbox::take_frame() {
  auto it = frames_.upper_bound(last_peer_);
  if (it == frames_.end()) it = frames_.begin();
  last_peer_ = it->first;
  auto f = std::move(it->second);
  frames_.erase(it);
  return f;
}

ws_outbox::message ws_outbox::next() {
  message m;
  const bool event_turn = !events_.empty() && (frames_.empty() || !last_was_event_);
  last_was_event_ = event_turn;
  if (event_turn) {
    inflight_event_ = std::move(events_.front());
    events_.pop_front();
    m.buffers[0] = boost::asio::buffer(*inflight_event_);
    return m;
  }
  inflight_frame_ = take_frame();
  const auto p = static_cast<std::uint32_t>(last_peer_);
  prefix_ = {static_cast<unsigned char>(p >> 24), static_cast<unsigned char>(p >> 16),
             static_cast<unsigned char>(p >> 8), static_cast<unsigned char>(p)};
  m.binary = true;
  m.buffers[0] = boost::asio::buffer(prefix_);
  m.buffers[1] = boost::asio::buffer(inflight_frame_->jpeg());
  return m;
}

void ws_outbox::written() {
  if (inflight_event_) {
    event_bytes_ -= inflight_event_->size();
    inflight_event_.reset();
  }
  if (inflight_frame_) {
    inflight_frame_.reset();
    ++frames_sent_;
  }
}

}  // namespace chatnode::web
