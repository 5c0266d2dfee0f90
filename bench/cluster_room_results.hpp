// What bench/cluster_room measured, and how it is printed (markdown) and saved (JSON).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "samples.hpp"

namespace bench::cluster_room {

/// The room, its load and its faults.
struct setup {
  int servers = 3;            ///< nats-servers in one cluster; the room's stream has a copy on each (at most 3)
  int nodes = 3;              ///< chat_nodes in the room, each on its own port
  int peers_per_node = 30;    ///< in-process peers homed on each node (their --connect lists the others after it)
  int watchers_per_node = 2;  ///< of those, how many watch video
  int line_every_ms = 500;    ///< each peer says a line this often, all staggered over the interval
  int warmup_s = 2;           ///< talking before the steady window
  int seconds = 20;           ///< the steady window
  int after_kill_s = 15;      ///< talking after each kill before the next step
  int presence_rounds = 5;    ///< a newcomer joins and leaves node 0 this many times
  std::string size = "320x240";
  int fps = 15;  ///< each node's test pattern, and the cap of its video on the bus
  bool kills = true;
};

/// Text over one window, by when the line was said.
struct text_window {
  samples cross_ms;               ///< said on one node, shown by a peer homed on another
  samples same_ms;                ///< said and shown on the same node (it too went through the stream)
  double longest_silence_ms = 0;  ///< the longest any peer went without a line, within the window
};

/// A fault and how long it took the room to get over it.
struct fault {
  std::string what;  ///< "the stream's leader, s1"
  text_window text;
  samples video_gap_ms;  ///< per watcher and surviving origin: the longest gap between its frames
};

struct report {
  std::string machine;
  setup config;
  int lines_said = 0;
  long deliveries = 0, missing = 0, duplicates = 0;  ///< over every peer: each other peer's lines, exactly once
  text_window steady;
  samples local_frame_ms, remote_frame_ms;      ///< capture to a watcher on the origin's node / on another node
  samples local_fps, remote_fps;                ///< per watcher and origin
  std::map<std::string, double> cpu_percent;    ///< of one core, over the steady window: nodes, servers, peers
  samples presence_join_ms, presence_leave_ms;  ///< until the last other node logged it
  std::vector<fault> faults;
};

void print_table(std::ostream& out, const report& r);
void write_json(const std::string& path, const report& r);

}  // namespace bench::cluster_room
