#include "chatnode/stats/cluster_figures.hpp"

namespace chatnode::stats {

std::string cluster_status(const cluster_figures& c) {
  std::string why;
  if (!c.text_connected)
    why = "no server";
  else if (!c.stream_ready)
    why = "waiting for the stream";
  else if (c.texts_waiting > 0)
    why = "storing";
  std::string line = "cluster " + c.room + ": " + (why.empty() ? "ok" : why);
  if (c.texts_waiting > 0)
    line += ", " + std::to_string(c.texts_waiting) + (c.texts_waiting == 1 ? " line waits" : " lines wait");
  if (c.people_elsewhere > 0) line += ", " + std::to_string(c.people_elsewhere) + " elsewhere";
  return line;
}

}  // namespace chatnode::stats
