// The status line and the /stats table: each direction's rate apart.
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "chatnode/stats/report.hpp"

namespace {

namespace stats = chatnode::stats;
using namespace std::chrono_literals;

std::vector<std::string> columns(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string c; in >> c;) out.push_back(c);
  return out;
}

/// The table's row about `name`, split into columns.
std::vector<std::string> row_of(const std::string& table, const std::string& name) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(name + " ")) return columns(line);
  return {};
}

}  // namespace

TEST_CASE("rate_tracker turns the byte counters' growth over the interval into kilobits a second, each way",
          "[stats]") {
  stats::peer_stats s;
  stats::rate_tracker rates;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  rates.update(s, t0);
  s.bytes_received += 625'000;  // 5 Mbit in 1 s
  s.bytes_sent += 5'000;        // 40 kbit
  rates.update(s, t0 + 1s);
  CHECK(s.kbps_in.load() == Approx(5000));
  CHECK(s.kbps_out.load() == Approx(40));
  // Over two seconds the same growth is half the rate.
  s.bytes_received += 625'000;
  rates.update(s, t0 + 3s);
  CHECK(s.kbps_in.load() == Approx(2500));
  CHECK(s.kbps_out.load() == Approx(0));
}

TEST_CASE("the /stats table and the status line show what was sent and what was received apart", "[stats]") {
  auto s = std::make_shared<stats::peer_stats>();
  s->kbps_in = 5000;
  s->kbps_out = 40;
  const std::vector<stats::peer_view> peers{{1, "bob", "127.0.0.1:5555", s}};

  const auto table = stats::stats_table(peers);
  CHECK(table.find(" kbps> ") != std::string::npos);
  CHECK(table.find(" kbps< ") != std::string::npos);
  // peer, address, rtt, texts, frames> frames<, fps> fps<, drop> skip< bad<, then kbps> and kbps<,
  // three latencies, and the link's five.
  const auto row = row_of(table, "bob");
  REQUIRE(row.size() == 21);
  CHECK(row[11] == "40");
  CHECK(row[12] == "5000");

  const auto line = stats::status_line(peers, 10);
  CHECK(line.find("in=  5000kbps") != std::string::npos);
  CHECK(line.find("out=    40kbps") != std::string::npos);
  // Our source's own rate beside them, and nothing of it without a source.
  CHECK(line.find(" src=10fps | bob ") != std::string::npos);
  CHECK(stats::status_line(peers, 0).find("src=") == std::string::npos);
}

TEST_CASE("the /stats table and the status line show how each link adapts: rate, queueing, rung, last picture",
          "[stats]") {
  auto slow = std::make_shared<stats::peer_stats>();
  slow->link_kbps = 1900;
  slow->queue_ms = 12.4;
  slow->rung = 5;
  slow->frames_held = 7;
  slow->sent_quality = 50;
  slow->sent_width = 320;
  slow->sent_height = 240;
  auto fresh = std::make_shared<stats::peer_stats>();  // nothing measured or sent yet
  const std::vector<stats::peer_view> peers{{1, "bob", "10.0.0.2:5555", slow}, {2, "carol", "10.0.0.3:5555", fresh}};

  const auto bob = row_of(stats::stats_table(peers), "bob");
  REQUIRE(bob.size() == 21);
  CHECK(bob[16] == "1900");
  CHECK(bob[17] == "12.4");
  CHECK(bob[18] == "5");
  CHECK(bob[19] == "7");
  CHECK(bob[20] == "q50/320x240");
  const auto carol = row_of(stats::stats_table(peers), "carol");
  REQUIRE(carol.size() == 21);
  CHECK(carol[20] == "-");

  const auto line = stats::status_line(peers, 30);
  CHECK(line.find("| bob 1.9Mbps q=12ms r5 q50/320x240") != std::string::npos);
  CHECK(line.find("| carol ?bps q=0ms r0 -") != std::string::npos);
  // Held frames are drops too.
  CHECK(line.find("drop=7 ") != std::string::npos);
}
