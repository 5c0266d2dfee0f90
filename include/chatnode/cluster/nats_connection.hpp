// One connection to the NATS cluster, as the C client keeps it: every server
// named is tried, a lost one is replaced by another for as long as the node
// runs, and the first connect is retried in the background (a node may start
// before its servers). What happens to it is logged; the client's callbacks
// run on its own threads.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace chatnode::cluster {

using log_fn = std::function<void(const std::string&)>;

/// Throws std::runtime_error naming `what` unless `s` is NATS_OK.
void check(natsStatus s, const std::string& what);

class nats_connection {
 public:
  /// `purpose` names it in the log and to the servers ("text", "video").
  /// `reconnect_buffer`: bytes published while disconnected that the client
  /// keeps to send once back; 0 keeps none (a publish then fails at once).
  nats_connection(const std::vector<std::string>& servers, const std::string& node_name, const std::string& purpose,
                  int reconnect_buffer, log_fn log);
  ~nats_connection();
  nats_connection(const nats_connection&) = delete;
  nats_connection& operator=(const nats_connection&) = delete;

  natsConnection* get() const { return nc_; }
  /// As the client's callbacks last said: asking the client would take its
  /// lock, which a thread publishing or reconnecting may hold for a while.
  bool connected() const { return connected_; }
  /// The server's limit on one message's body, 0 before the first connect.
  std::int64_t max_payload() const { return natsConnection_GetMaxPayload(nc_); }

 private:
  static void on_connected(natsConnection* nc, void* self);
  static void on_disconnected(natsConnection* nc, void* self);
  static void on_error(natsConnection* nc, natsSubscription* sub, natsStatus err, void* self);
  static void on_closed(natsConnection* nc, void* self);
  std::string where(natsConnection* nc) const;

  std::string purpose_;
  log_fn log_;
  std::atomic<bool> closing_{false};  ///< our own close: not reported as a loss
  std::atomic<bool> connected_{false};
  // The client calls back on a thread of its own, after Close() has returned:
  // the object waits for the last callback (the closed one) before it goes.
  std::mutex mutex_;
  std::condition_variable closed_cv_;
  bool closed_ = false;
  natsOptions* opts_ = nullptr;
  natsConnection* nc_ = nullptr;
};

}  // namespace chatnode::cluster
