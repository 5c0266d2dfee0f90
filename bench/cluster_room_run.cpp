#include "cluster_room_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "cluster/node_set.hpp"
#include "cluster/peer_pool.hpp"
#include "cluster/stream_contents.hpp"
#include "cluster_room_figures.hpp"
#include "machine.hpp"
#include "process_usage.hpp"
#include "support/child_process.hpp"
#include "support/nats_server.hpp"
#include "support/temp_dir.hpp"

namespace bench::cluster_room {
namespace {

using namespace std::chrono_literals;
using cluster_test::node_set;
using cluster_test::peer_pool;
using cluster_test::sim_peer;
using test_support::child_process;

double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }

/// A newcomer joins node 0 and leaves, `rounds` times: until every other node says so.
void presence_rounds(const setup& s, node_set& nodes, peer_pool& pool, report& r) {
  for (int round = 1; round <= s.presence_rounds; ++round) {
    const std::string name = "newcomer" + std::to_string(round);
    pool.peers.push_back(
        std::make_unique<sim_peer>(pool.ioc, name, 0x7e'0000 + static_cast<std::uint64_t>(round),
                                   std::vector<chatnode::host_port>{{"127.0.0.1", nodes.nodes[0].port}}, false));
    auto& newcomer = *pool.peers.back();
    auto from = nodes.err_lines();
    const auto joined = clock::now();
    newcomer.start();
    if (const auto t = nodes.logged_by_others(0, "cluster: " + name + " is in the room", from, 10s))
      r.presence_join_ms.add(seconds(*t - joined) * 1000);
    from = nodes.err_lines();
    const auto left = clock::now();
    newcomer.stop();
    if (const auto t = nodes.logged_by_others(0, "cluster: " + name + " left", from, 10s))
      r.presence_leave_ms.add(seconds(*t - left) * 1000);
  }
}

struct cpu_reading {
  std::map<std::string, double> cpu;
  clock::time_point at;
};

cpu_reading read_cpu(const node_set& nodes, const std::vector<std::unique_ptr<test_support::nats_server>>& servers) {
  cpu_reading c{{}, clock::now()};
  for (std::size_t i = 0; i < nodes.nodes.size(); ++i)
    c.cpu["node n" + std::to_string(i)] = cpu_seconds(nodes.nodes[i].process->pid());
  for (const auto& server : servers)
    c.cpu[server->name().empty() ? "server" : "server " + server->name()] = cpu_seconds(server->pid());
  c.cpu["peers (this process)"] = cpu_seconds(::getpid());
  return c;
}

}  // namespace

report run(const setup& s) {
  report r;
  r.config = s;
  r.machine = machine();
  test_support::temp_dir dir;
  // One server is a server alone: JetStream refuses a cluster of one.
  std::vector<std::unique_ptr<test_support::nats_server>> servers;
  if (s.servers == 1)
    servers.push_back(std::make_unique<test_support::nats_server>(dir.path / "js0"));
  else
    servers = test_support::start_cluster(dir.path, s.servers);
  const auto urls = test_support::cluster_urls(servers);
  std::vector<std::string> server_urls;
  for (const auto& server : servers) server_urls.push_back(server->url());

  node_set nodes;
  recording rec;
  const int peer_count = s.nodes * s.peers_per_node;
  for (int i = 0; i < s.nodes; ++i) {
    rec.node_names.push_back("n" + std::to_string(i));
    nodes.add(test_support::start_listener(
        rec.node_names.back(),
        {"--test-pattern", "--size", s.size, "--fps", std::to_string(s.fps), "--max-peers",
         std::to_string(peer_count + s.presence_rounds + 10), "--cluster", urls, "--cluster-replicas",
         std::to_string(std::min(s.servers, 3)), "--cluster-video-fps", std::to_string(s.fps)}));
    if (!nodes.nodes.back().process->wait_for(child_process::stream::err, "the room's stream CHAT_lobby is ready", 60s))
      throw std::runtime_error("node " + rec.node_names.back() + " did not reach the room's stream");
  }

  peer_pool pool(nodes);
  for (int i = 0; i < peer_count; ++i) {
    const int home = i % s.nodes;
    std::vector<chatnode::host_port> list;
    for (int k = 0; k < s.nodes; ++k)
      list.push_back({"127.0.0.1", nodes.nodes[static_cast<std::size_t>((home + k) % s.nodes)].port});
    char name[16];
    std::snprintf(name, sizeof name, "p%03d", i);
    pool.peers.push_back(std::make_unique<sim_peer>(pool.ioc, name, 0x51'0000 + static_cast<std::uint64_t>(i),
                                                    std::move(list), i / s.nodes < s.watchers_per_node));
    rec.peers.push_back({name, home, {}});
  }
  pool.run();
  for (auto& p : pool.peers) p->start();
  if (!nodes.wait_until(60s, [&] { return pool.all_joined(); }))
    throw std::runtime_error("not every peer joined its node within 60 s");
  nodes.drain_until(clock::now() + 2s);  // presence settles
  presence_rounds(s, nodes, pool, r);

  // Everyone talks from here to the end, staggered over one interval.
  const auto every = std::chrono::milliseconds(s.line_every_ms);
  const int phases_s = s.warmup_s + s.seconds + (s.kills ? 2 * s.after_kill_s : 0);
  const int count = phases_s * 1000 / s.line_every_ms;
  const auto talk_from = clock::now();
  for (int i = 0; i < peer_count; ++i)
    pool.peers[static_cast<std::size_t>(i)]->talk(count, every, every * i / peer_count);
  rec.steady_begin = talk_from + std::chrono::seconds(s.warmup_s);
  rec.steady_end = rec.steady_begin + std::chrono::seconds(s.seconds);
  nodes.drain_until(rec.steady_begin);
  const auto cpu0 = read_cpu(nodes, servers);
  nodes.drain_until(rec.steady_end);
  const auto cpu1 = read_cpu(nodes, servers);
  for (const auto& [who, used] : cpu1.cpu)
    r.cpu_percent[who] = (used - cpu0.cpu.at(who)) / seconds(cpu1.at - cpu0.at) * 100;

  if (s.kills) {
    // The stream's leader first, then a node: its peers go on with the next of their lists.
    const auto state = cluster_test::stream_state_with_leader(server_urls, "lobby", 30s);
    const auto leader =
        std::find_if(servers.begin(), servers.end(), [&](const auto& x) { return x->name() == state.leader; });
    if (leader == servers.end()) throw std::runtime_error("the room's stream has no leader");
    auto at = clock::now();
    (*leader)->kill();
    rec.kills.push_back(
        {"the stream's leader, nats-server " + state.leader, at, at + std::chrono::seconds(s.after_kill_s), {}});
    nodes.drain_until(rec.kills.back().until);
    at = clock::now();
    nodes.kill(1);
    rec.kills.push_back({"node n1", at, at + std::chrono::seconds(s.after_kill_s), rec.node_names[1]});
    nodes.drain_until(rec.kills.back().until);
  }

  // Every line that was said arrives, or the bound passes.
  const std::size_t total = static_cast<std::size_t>(peer_count) * static_cast<std::size_t>(count);
  nodes.wait_until(60s, [&] {
    for (int i = 0; i < peer_count; ++i)
      if (pool.peers[static_cast<std::size_t>(i)]->lines_seen() < total - static_cast<std::size_t>(count)) return false;
    return true;
  });
  for (int i = 0; i < peer_count; ++i)
    rec.peers[static_cast<std::size_t>(i)].seen = pool.peers[static_cast<std::size_t>(i)]->snapshot();
  pool.stop();
  add_figures(rec, r);
  return r;
}

}  // namespace bench::cluster_room
