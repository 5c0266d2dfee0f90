// How a node's bridge to its cluster stands (cluster/bridge.hpp), for the
// status line, /stats.json and /metrics.
#pragma once

#include <cstdint>
#include <string>

namespace chatnode::stats {

struct cluster_figures {
  std::string room;
  bool text_connected = false;         ///< the text connection has a server
  bool video_connected = false;        ///< the video connection has a server
  bool stream_ready = false;           ///< the room's stream answered: its lines reach this node
  std::uint64_t texts_waiting = 0;     ///< said here, not yet stored
  std::uint64_t texts_stored = 0;      ///< said here and stored (or found stored already)
  std::uint64_t texts_refused = 0;     ///< said here while the wait was full: not taken
  std::uint64_t texts_delivered = 0;   ///< from the stream, handed to the room
  std::uint64_t frames_sent = 0;       ///< our origins' frames published
  std::uint64_t frames_oversized = 0;  ///< frames over the server's max_payload: not sent
  std::uint64_t frames_received = 0;   ///< other nodes' frames handed to the room
  std::uint64_t frames_dropped = 0;    ///< other nodes' frames the client dropped: we were behind
  std::uint64_t people_elsewhere = 0;  ///< on the room's other nodes, as their presence says
};

/// "cluster lobby: stored" or, when something waits, why: "cluster lobby: no server, 12 lines wait".
std::string cluster_status(const cluster_figures& c);

}  // namespace chatnode::stats
