// The node's counters for machines: /stats.json and the Prometheus /metrics.
// One snapshot feeds both, so the two never disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chatnode/stats/cluster_figures.hpp"
#include "chatnode/stats/report.hpp"

namespace chatnode::stats {

/// What the node itself counts, beside its peers' counters.
struct node_summary {
  std::string name;
  std::string version;
  std::string listening;  ///< "host:port", empty in --connect mode
  double uptime_s = 0;
  std::uint64_t frames_captured = 0;         ///< frames of ours encoded and handed to the peers
  std::uint64_t frames_capture_skipped = 0;  ///< images the encoder never took: a newer one came first
  double fps_captured = 0;                   ///< over the last second
  double source_fps = 0;          ///< the rate our video source plays at (a file's own, or --fps); 0: none, or unpaced
  std::uint64_t texts_said = 0;   ///< lines the local user sent (terminal or page)
  std::uint64_t web_clients = 0;  ///< open page, WebSocket and video connections
  std::optional<cluster_figures> cluster;  ///< with --cluster
};

/// {"name":...,"peers":[{"id":1,"name":...,"frames_decoded":...,"latency_ms":{"p50":...}}]}, as docs/WEB.md lists.
std::string to_json(const node_summary& node, const std::vector<peer_view>& peers);
/// Prometheus text exposition format 0.0.4, one chat_node_* family per counter, labelled by peer.
std::string to_prometheus(const node_summary& node, const std::vector<peer_view>& peers);

}  // namespace chatnode::stats
