// What the web layer needs from the node. The node implements it; the web
// server calls it from its io threads (any session's strand, several at once),
// so every member must be thread-safe and must not block for long.
#pragma once

#include <string>

namespace chatnode::web {

class backend {
 public:
  virtual ~backend() = default;

  /// Body of /stats.json (already JSON).
  virtual std::string stats_json() = 0;
  /// Body of /metrics (Prometheus text exposition format 0.0.4).
  virtual std::string metrics() = 0;
  /// Sent to a page when its WebSocket opens:
  /// {"type":"state","name":...,"addresses":[...],"peers":[{"id":1,"name":...,"address":...}]}
  virtual std::string state_json() = 0;
  /// Whether /video/N.mjpg has a stream to show: our camera (0), a peer or a relayed origin.
  virtual bool has_video_stream(int stream) = 0;
  /// The page's user said something: valid UTF-8, 1 to 65 536 bytes.
  virtual void send_text(std::string body) = 0;
  /// The page's connect form: "host:port", already checked by parse_connect_address.
  virtual void connect_to(std::string host_port) = 0;
};

}  // namespace chatnode::web
