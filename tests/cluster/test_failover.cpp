// The room over a three-server cluster with four nodes and a hundred peers
// talking at once, while the stream's leader is killed and then one node:
// every line reaches every other peer once, all in one order (the stream's),
// the stream holds each line once, and every surviving node's video goes on.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <memory>
#include <set>

#include "chatnode/endpoint.hpp"
#include "cluster/node_set.hpp"
#include "cluster/peer_pool.hpp"
#include "cluster/stream_contents.hpp"
#include "support/child_process.hpp"
#include "support/nats_server.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

namespace failover_test {

using namespace test_support;
using namespace std::chrono_literals;
using cluster_test::sim_peer;
using clock = std::chrono::steady_clock;

constexpr int server_count = 3;
constexpr int node_count = 4;
constexpr int peer_count = 100;
constexpr int lines_each = 40;
constexpr auto line_every = 150ms;

/// The stream's texts without `name`'s own: what that peer must have been sent, in that order.
std::vector<std::string> without_own(const std::vector<std::string>& texts, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& t : texts)
    if (t.rfind(name + ": ", 0) != 0) out.push_back(t);
  return out;
}

}  // namespace failover_test

using namespace failover_test;

TEST_CASE(
    "a hundred peers on four nodes: the stream's leader and then a node die, and every line arrives once, "
    "in one order everywhere",
    "[cluster][failover]") {
  temp_dir dir;
  auto servers = start_cluster(dir.path, server_count);
  const auto urls = cluster_urls(servers);

  cluster_test::node_set nodes;
  for (int i = 0; i < node_count; ++i) {
    nodes.add(start_listener("n" + std::to_string(i),
                             {"--test-pattern", "--size", "160x120", "--fps", "10", "--max-peers", "120", "--cluster",
                              urls, "--cluster-replicas", "3", "--cluster-video-fps", "10"}));
    // In the room once its stream is ready (the cluster first chooses the stream's leader).
    REQUIRE(
        nodes.nodes.back().process->wait_for(child_process::stream::err, "the room's stream CHAT_lobby is ready", 60s));
  }

  // Each peer has a home node and the others after it, as --connect lists them;
  // one peer per node also watches video.
  cluster_test::peer_pool pool(nodes);
  auto& peers = pool.peers;
  for (int i = 0; i < peer_count; ++i) {
    std::vector<chatnode::host_port> list;
    for (int k = 0; k < node_count; ++k) list.push_back({"127.0.0.1", nodes.nodes[(i + k) % node_count].port});
    char name[8];
    std::snprintf(name, sizeof name, "p%02d", i);
    peers.push_back(std::make_unique<sim_peer>(pool.ioc, name, 0x51'0000 + static_cast<std::uint64_t>(i),
                                               std::move(list), i < node_count));
  }
  pool.run();
  for (auto& p : peers) p->start();
  REQUIRE(nodes.wait_until(60s, [&] { return pool.all_joined(); }));

  for (auto& p : peers) p->talk(lines_each, line_every);
  nodes.drain_until(clock::now() + 1500ms);
  // The leader of the room's stream dies first, without a word to anyone.
  std::vector<std::string> server_urls;
  for (const auto& server : servers) server_urls.push_back(server->url());
  const auto before = cluster_test::stream_state_with_leader(server_urls, "lobby", 30s);
  REQUIRE(!before.leader.empty());
  std::size_t dead_server = 0;
  for (std::size_t i = 0; i < servers.size(); ++i)
    if (servers[i]->name() == before.leader) dead_server = i;
  servers[dead_server]->kill();
  nodes.drain_until(clock::now() + 3s);
  // Then a node: its peers go on with the next node of their lists.
  REQUIRE(nodes.kill(1) == 128 + SIGKILL);
  const auto node_killed_at = clock::now();

  const auto& live_url = servers[(dead_server + 1) % servers.size()]->url();
  const std::size_t total = static_cast<std::size_t>(peer_count) * lines_each;
  const bool all_arrived = nodes.wait_until(120s, [&] {
    return std::all_of(peers.begin(), peers.end(), [&](const auto& p) {
      const auto s = p->snapshot();
      return s.said_at.size() == lines_each && s.lines.size() >= total - lines_each;
    });
  });
  // Every surviving origin's video reaches every watcher again after the node died.
  std::vector<std::string> surviving;
  for (int i = 0; i < node_count; ++i)
    if (nodes.alive[static_cast<std::size_t>(i)]) surviving.push_back("n" + std::to_string(i));
  const bool video_back = nodes.wait_until(30s, [&] {
    for (int w = 0; w < node_count; ++w) {
      const auto s = peers[static_cast<std::size_t>(w)]->snapshot();
      for (const auto& origin : surviving) {
        const auto it = s.frames.find(origin);
        if (it == s.frames.end() || it->second.back().at <= node_killed_at) return false;
      }
    }
    return true;
  });
  const auto stream = cluster_test::read_stream(live_url, "lobby", 60s);
  pool.stop();

  if (!all_arrived) {
    std::string logs;
    for (std::size_t i = 0; i < nodes.nodes.size(); ++i) {
      const auto& out = nodes.nodes[i].process->lines(child_process::stream::out);
      logs += "n" + std::to_string(i) + "'s log:\n" + nodes.nodes[i].process->transcript(child_process::stream::err) +
              "\nand the first of its " + std::to_string(out.size()) + " lines out:\n";
      for (std::size_t k = 0; k < std::min<std::size_t>(out.size(), 12); ++k) logs += out[k] + "\n";
    }
    for (const auto& server : servers) {
      const auto log = server->log();
      logs += server->name() + "'s log, its end:\n" + log.substr(log.size() > 6000 ? log.size() - 6000 : 0) + "\n";
    }
    for (const auto& p : peers) {
      const auto s = p->snapshot();
      logs += p->name() + ": " + std::to_string(s.joins) + " links, " + std::to_string(s.lines.size()) + " lines\n";
    }
    INFO(logs);
    CHECK(all_arrived);
  }
  CHECK(video_back);
  // The stream holds each line once: as many as were said, all distinct.
  CHECK(stream.messages == total);
  REQUIRE(stream.texts.size() == stream.messages);
  CHECK(std::set<std::string>(stream.texts.begin(), stream.texts.end()).size() == total);
  // Every peer was sent every other peer's lines once, in the stream's order:
  // one order on every node, each author's lines in the order said.
  for (std::size_t i = 0; i < peers.size(); ++i) {
    const auto& p = peers[i];
    const auto s = p->snapshot();
    CHECK_FALSE(s.refused);
    // The killed node's peers went on through another node.
    if (i % node_count == 1) CHECK(s.joins >= 2);
    const auto expected = without_own(stream.texts, p->name());
    if (s.lines != expected) {
      const auto diff = std::mismatch(s.lines.begin(), s.lines.end(), expected.begin(), expected.end());
      FAIL_CHECK(p->name() << " got " << s.lines.size() << " lines, expected " << expected.size()
                           << "; first difference at " << (diff.first - s.lines.begin()) << ": got '"
                           << (diff.first == s.lines.end() ? "(end)" : *diff.first) << "', expected '"
                           << (diff.second == expected.end() ? "(end)" : *diff.second) << "'");
    }
  }
}
