#include "chatnode/peer/teaching_outbox.hpp"

namespace chatnode::peer {

bool teaching_outbox::push_line(std::shared_ptr<const std::string> line) {
  if (text_bytes_ + line->size() > text_budget_) return false;
  text_bytes_ += line->size();
  lines_.push_back(std::move(line));
  return true;
}

void teaching_outbox::offer_video(video::frame_ptr f) {
  if (pending_video_) ++video_replaced_;
  pending_video_ = std::move(f);
}

void teaching_outbox::drop_pending_video() {
  if (pending_video_) ++video_replaced_;
  pending_video_.reset();
}

void teaching_outbox::prepare(std::vector<boost::asio::const_buffer>& out) {
  out.clear();
  while (!lines_.empty() && out.size() < max_buffers_per_write) {
    inflight_lines_.push_back(std::move(lines_.front()));
    lines_.pop_front();
    out.emplace_back(boost::asio::buffer(*inflight_lines_.back()));
  }
  // A frame needs two buffers; without room, it stays replaceable for the next batch.
  if (!pending_video_ || out.size() + 2 > max_buffers_per_write) return;
  inflight_video_ = std::move(pending_video_);
  inflight_header_ = protocol::encode_lecture_header(inflight_video_->jpeg().size());
  out.emplace_back(boost::asio::buffer(inflight_header_));
  out.emplace_back(boost::asio::buffer(inflight_video_->jpeg()));
}

void teaching_outbox::written() {
  for (const auto& l : inflight_lines_) text_bytes_ -= l->size();
  inflight_lines_.clear();
  if (inflight_video_) ++video_sent_;
  inflight_video_.reset();
}

}  // namespace chatnode::peer
