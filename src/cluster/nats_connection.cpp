#include "chatnode/cluster/nats_connection.hpp"

#include <stdexcept>

namespace chatnode::cluster {

void check(natsStatus s, const std::string& what) {
  if (s != NATS_OK)
    throw std::runtime_error(what + ": " + natsStatus_GetText(s) + " (" + nats_GetLastError(nullptr) + ")");
}

nats_connection::nats_connection(const std::vector<std::string>& servers, const std::string& node_name,
                                 const std::string& purpose, int reconnect_buffer, log_fn log)
    : purpose_(purpose), log_(std::move(log)) {
  std::vector<const char*> urls;
  urls.reserve(servers.size());
  for (const auto& s : servers) urls.push_back(s.c_str());
  check(natsOptions_Create(&opts_), "cluster: options");
  const auto name = "chat_node " + node_name + " (" + purpose + ")";
  check(natsOptions_SetServers(opts_, urls.data(), static_cast<int>(urls.size())), "cluster: --cluster servers");
  check(natsOptions_SetName(opts_, name.c_str()), "cluster: name");
  // For as long as the node runs: a cluster that comes back is rejoined.
  check(natsOptions_SetMaxReconnect(opts_, -1), "cluster: reconnect");
  check(natsOptions_SetReconnectWait(opts_, 500), "cluster: reconnect wait");
  check(natsOptions_SetReconnectBufSize(opts_, reconnect_buffer), "cluster: reconnect buffer");
  // A server that died without closing its sockets is noticed within 6 s.
  check(natsOptions_SetPingInterval(opts_, 2000), "cluster: ping interval");
  check(natsOptions_SetMaxPingsOut(opts_, 3), "cluster: pings out");
  check(natsOptions_SetDisconnectedCB(opts_, &nats_connection::on_disconnected, this), "cluster: callback");
  check(natsOptions_SetReconnectedCB(opts_, &nats_connection::on_connected, this), "cluster: callback");
  check(natsOptions_SetErrorHandler(opts_, &nats_connection::on_error, this), "cluster: callback");
  check(natsOptions_SetClosedCB(opts_, &nats_connection::on_closed, this), "cluster: callback");
  check(natsOptions_SetRetryOnFailedConnect(opts_, true, &nats_connection::on_connected, this), "cluster: retry");
  const auto s = natsConnection_Connect(&nc_, opts_);
  // With retry on, NATS_NOT_YET_CONNECTED means it goes on trying in the background.
  if (s == NATS_NOT_YET_CONNECTED) {
    log_("cluster (" + purpose_ + "): no server reachable yet; trying in the background");
  } else {
    if (s != NATS_OK) natsOptions_Destroy(opts_);
    check(s, "cluster: connect");
    // From the client, not `true`: a loss reported since Connect returned stands.
    connected_ = natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED;
    log_("cluster (" + purpose_ + "): connected to " + where(nc_));
  }
}

nats_connection::~nats_connection() {
  closing_ = true;
  natsConnection_Close(nc_);
  {
    // Callbacks are delivered in order: once the closed one has run, none is left.
    std::unique_lock lock(mutex_);
    closed_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return closed_; });
  }
  natsConnection_Destroy(nc_);
  natsOptions_Destroy(opts_);
}

std::string nats_connection::where(natsConnection* nc) const {
  char url[256] = {};
  if (natsConnection_GetConnectedUrl(nc, url, sizeof url) != NATS_OK || url[0] == 0) return "a server";
  return url;
}

void nats_connection::on_connected(natsConnection* nc, void* self) {
  auto* c = static_cast<nats_connection*>(self);
  c->connected_ = true;
  c->log_("cluster (" + c->purpose_ + "): connected to " + c->where(nc));
}

void nats_connection::on_disconnected(natsConnection*, void* self) {
  auto* c = static_cast<nats_connection*>(self);
  c->connected_ = false;
  if (c->closing_) return;
  c->log_("cluster (" + c->purpose_ + "): disconnected, trying the other servers" +
          (c->purpose_ == "text" ? "; texts wait until one answers" : ""));
}

void nats_connection::on_closed(natsConnection*, void* self) {
  auto* c = static_cast<nats_connection*>(self);
  // Notified under the lock: the waiting destructor may destroy the condition
  // variable as soon as it can take the lock, and this thread is done with it by then.
  c->connected_ = false;
  std::lock_guard lock(c->mutex_);
  c->closed_ = true;
  c->closed_cv_.notify_all();
}

void nats_connection::on_error(natsConnection*, natsSubscription*, natsStatus err, void* self) {
  auto* c = static_cast<nats_connection*>(self);
  // A slow consumer here is our own video subscription dropping frames: meant, not logged.
  if (err == NATS_SLOW_CONSUMER) return;
  c->log_("cluster (" + c->purpose_ + "): " + natsStatus_GetText(err));
}

}  // namespace chatnode::cluster
