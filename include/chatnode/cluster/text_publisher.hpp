// The lines said on this node, stored in the room's JetStream stream. Many
// authors' lines are in flight at once (an acknowledgement from a stream
// with three copies takes milliseconds, and a node of a busy room has tens of
// lines a second), but each author's one at a time: a line is sent only once
// the stream has stored that author's previous one, so however publishes fail
// and are retried, each author's lines are stored in the order said. A line
// the stream did not confirm (no server, a leader election, a timeout) is
// sent again under the same id, which the stream stores once.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "chatnode/cluster/nats_connection.hpp"
#include "chatnode/cluster/records.hpp"

namespace chatnode::cluster {

class text_publisher {
 public:
  /// Lines waiting at most; a line beyond is refused (its author keeps it and resends it).
  static constexpr std::size_t max_waiting = 10000;
  /// Lines sent and not yet confirmed, at most.
  static constexpr std::size_t max_in_flight = 256;

  /// Told on the publisher's thread of each line the stream stored.
  using stored_fn = std::function<void(std::uint64_t author, std::uint64_t seq)>;

  text_publisher(natsConnection* conn, const room_names& names, stored_fn stored, log_fn log);
  /// Gives what still waits a short while to be stored, then stops.
  ~text_publisher();
  text_publisher(const text_publisher&) = delete;
  text_publisher& operator=(const text_publisher&) = delete;

  /// Starts sending: once the stream is there.
  void start();
  /// Takes a line to store; false when `max_waiting` already wait.
  bool submit(text_record t);

  std::size_t waiting();
  std::uint64_t stored() const { return stored_count_; }
  std::uint64_t refused() const { return refused_count_; }

 private:
  void run();
  /// Moves into flight each waiting line whose author has none in flight, in order, within the bound.
  std::vector<text_record> take_sendable_locked();
  void send(std::vector<text_record> batch);
  void retry_locked(text_record t);
  static void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* self);

  const room_names& names_;
  const stored_fn stored_;
  const log_fn log_;
  jsCtx* js_ = nullptr;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<text_record> waiting_;               ///< each author's lines in the order said
  std::map<std::string, text_record> in_flight_;  ///< by message id
  std::set<std::uint64_t> authors_in_flight_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> confirmed_;  ///< stored, not yet told
  std::chrono::steady_clock::time_point pause_until_{};             ///< after a failure, sending waits until then
  bool failing_ = false;                                            ///< said once per outage
  std::size_t refused_in_a_row_ = 0;                                ///< the first is said

  std::atomic<std::uint64_t> stored_count_{0}, refused_count_{0};
  std::thread thread_;
};

}  // namespace chatnode::cluster
