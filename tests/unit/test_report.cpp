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
  // peer, address, rtt, texts, frames> frames<, fps> fps<, drop> skip< bad<, then kbps> and kbps<.
  const auto row = row_of(table, "bob");
  REQUIRE(row.size() == 16);
  CHECK(row[11] == "40");
  CHECK(row[12] == "5000");

  const auto line = stats::status_line(peers, 10);
  CHECK(line.find("in=  5000kbps") != std::string::npos);
  CHECK(line.find("out=    40kbps") != std::string::npos);
  // Our source's own rate beside them, and nothing of it without a source.
  CHECK(line.ends_with(" src=10fps"));
  CHECK(stats::status_line(peers, 0).find("src=") == std::string::npos);
}
