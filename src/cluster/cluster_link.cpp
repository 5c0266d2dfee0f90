#include "chatnode/cluster/cluster_link.hpp"

#include "chatnode/clock.hpp"

namespace chatnode::cluster {

cluster_link::cluster_link(net::any_io_executor strand, const std::string& room_name, peer::room& room,
                           std::function<void(const video::frame_set_ptr&)> video_out)
    : participant(std::move(strand), "nats", 0),
      room_(room),
      video_out_(std::move(video_out)),
      until_stopped_(executor_, std::chrono::steady_clock::time_point::max()) {
  peer_.name = "cluster room " + room_name;
  peer_.capabilities = protocol::cap_text | protocol::cap_video_send | protocol::cap_video_recv;
}

awaitable<void> cluster_link::run() {
  joined_ = true;
  room_.on_joined(shared_from_this());
  co_await until_stopped_.async_wait(use_nothrow);
  joined_ = false;
  room_.on_leaving(*this);
  room_.on_closed(*this, true, end_reason_, {});
}

void cluster_link::stop(protocol::bye_reason, std::string, bool) {
  net::post(executor_, [self = shared_from_this()] { self->until_stopped_.cancel(); });
}

void cluster_link::abandon(std::string reason) {
  net::post(executor_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    self->end_reason_ = std::move(reason);
    self->until_stopped_.cancel();
  });
}

void cluster_link::deliver_text(peer::ordered_text t) {
  net::post(executor_, [self = shared_from_this(), t = std::move(t)]() mutable {
    if (!self->joined_) return;
    if (self->room_.ordered(*self, std::move(t))) self->stats_->texts_received.fetch_add(1, std::memory_order_relaxed);
  });
}

void cluster_link::deliver_video(protocol::received_frame f) {
  if (!reserve_video_post()) return;  // the strand is behind: latest wins
  net::post(executor_, [self = shared_from_this(), f = std::move(f)]() mutable {
    self->video_post_taken();
    if (!self->joined_) return;
    self->stats_->frames_received.fetch_add(1, std::memory_order_relaxed);
    self->room_.on_video(*self, std::move(f));
  });
}

}  // namespace chatnode::cluster
