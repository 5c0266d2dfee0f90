// bench/cluster_room: a room spread over several chat_nodes bridged by a NATS
// cluster, all on loopback, with peers simulated in this process: cross-node
// text and video latency, each process's CPU, how fast presence spreads, and
// how long text and video stop when the stream's leader and then a node are
// killed. Exits 1 when a line went missing or came twice.
#include <iostream>

#include <boost/program_options.hpp>

#include "cluster_room_results.hpp"
#include "cluster_room_run.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  bench::cluster_room::setup s;
  std::string json;
  po::options_description desc("Usage: cluster_room [options]\n\nOptions");
  desc.add_options()("servers", po::value(&s.servers)->default_value(s.servers), "nats-servers in the cluster")(
      "nodes", po::value(&s.nodes)->default_value(s.nodes), "chat_nodes in the room (at least 2)")(
      "peers-per-node", po::value(&s.peers_per_node)->default_value(s.peers_per_node), "simulated peers on each node")(
      "watchers-per-node", po::value(&s.watchers_per_node)->default_value(s.watchers_per_node),
      "of those, how many watch video")("line-every", po::value(&s.line_every_ms)->default_value(s.line_every_ms),
                                        "ms between one peer's lines")(
      "warmup", po::value(&s.warmup_s)->default_value(s.warmup_s), "seconds of talk before measuring")(
      "seconds", po::value(&s.seconds)->default_value(s.seconds), "seconds of the steady window")(
      "after-kill", po::value(&s.after_kill_s)->default_value(s.after_kill_s), "seconds measured after each kill")(
      "presence-rounds", po::value(&s.presence_rounds)->default_value(s.presence_rounds),
      "times a newcomer joins and leaves")("size", po::value(&s.size)->default_value(s.size), "the nodes' video size")(
      "fps", po::value(&s.fps)->default_value(s.fps), "the nodes' frame rate, and its cap on the bus")(
      "no-kill", "kill no server and no node")("json", po::value(&json)->value_name("FILE"),
                                               "write every figure as JSON to FILE")("help,h", "show this help");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc;
      return 0;
    }
    s.kills = vm.count("no-kill") == 0;
    if (s.servers < 1 || s.nodes < 2 || s.peers_per_node < 1 || s.watchers_per_node < 0 ||
        s.watchers_per_node > s.peers_per_node || s.line_every_ms < 10 || s.warmup_s < 0 || s.seconds < 1 ||
        s.after_kill_s < 1 || s.presence_rounds < 0 || s.fps < 1)
      throw po::error(
          "--servers, --peers-per-node, --seconds, --after-kill, --fps must be >= 1, --nodes >= 2, "
          "--line-every >= 10, --watchers-per-node at most --peers-per-node");
    if (s.kills && s.servers < 3)
      throw po::error("killing the stream's leader needs --servers 3 or more (or --no-kill)");
  } catch (const po::error& e) {
    std::cerr << "cluster_room: " << e.what() << "\n";
    return 2;
  }
  try {
    const auto r = bench::cluster_room::run(s);
    bench::cluster_room::print_table(std::cout, r);
    if (!json.empty()) bench::cluster_room::write_json(json, r);
    return r.missing == 0 && r.duplicates == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "cluster_room: " << e.what() << "\n";
    return 1;
  }
}
