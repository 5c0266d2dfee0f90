// What a participant reports to its room, recorded for a test thread to wait on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "chatnode/peer/session_events.hpp"

namespace peer_test {

namespace peer = chatnode::peer;
namespace protocol = chatnode::protocol;
using namespace std::chrono_literals;

class recorded_events final : public peer::session_events {
 public:
  void on_joined(const std::shared_ptr<peer::participant>&) override {
    update([&] { joined_ = true; });
  }
  bool on_text(peer::participant&, protocol::text_message m) override {
    update([&] { texts_.push_back(std::move(m.body)); });
    return true;
  }
  /// The bodies of the texts the session delivered, in order.
  std::vector<std::string> texts() {
    std::lock_guard lock(mutex_);
    return texts_;
  }
  void on_video(peer::participant&, chatnode::protocol::received_frame) override {}
  void on_leaving(peer::participant&) override {}
  void on_closed(peer::participant&, bool, const std::string& reason,
                 std::vector<peer::outgoing_text> undelivered) override {
    update([&] {
      closed_reason_ = reason;
      undelivered_.emplace();
      for (const auto& t : undelivered) undelivered_->push_back(t.seq);
    });
  }

  std::uint64_t known_up_to(const peer::participant&) const override { return known; }
  void on_position(peer::participant&, std::uint64_t seq) override {
    update([&] { positions_.push_back(seq); });
  }
  /// What the session is told it has of the peer's texts from earlier links.
  std::uint64_t known = 0;

  /// The positions reported so far, once at least one is.
  std::vector<std::uint64_t> wait_position(std::chrono::milliseconds limit = 30s) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, limit, [&] { return !positions_.empty(); });
    return positions_;
  }

  bool wait_joined(std::chrono::milliseconds limit = 30s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return joined_; });
  }
  /// The sequence numbers handed back at the close; nothing if it did not close within `limit`.
  std::optional<std::vector<std::uint64_t>> wait_closed(std::chrono::milliseconds limit = 30s) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, limit, [&] { return undelivered_.has_value(); });
    return undelivered_;
  }
  std::string closed_reason() {
    std::lock_guard lock(mutex_);
    return closed_reason_;
  }

 private:
  template <class F>
  void update(F f) {
    std::lock_guard lock(mutex_);
    f();
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  bool joined_ = false;
  std::string closed_reason_;
  std::optional<std::vector<std::uint64_t>> undelivered_;
  std::vector<std::uint64_t> positions_;
  std::vector<std::string> texts_;
};

}  // namespace peer_test
