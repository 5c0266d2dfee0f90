#include "chatnode/stats/report.hpp"

#include <cstdio>

namespace chatnode::stats {
namespace {

std::string fmt(const char* f, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

std::string ms(std::int64_t us) { return us < 0 ? "-" : fmt("%.1f", static_cast<double>(us) / 1000.0); }

/// What our last frame to the peer was: "q75/320x240", "-" before the first.
std::string sent_picture(const peer_stats& s) {
  if (s.sent_quality.load() == 0) return "-";
  return fmt("q%d/%dx%d", s.sent_quality.load(), s.sent_width.load(), s.sent_height.load());
}

}  // namespace

std::string link_summary(const peer_stats& s) {
  const double kbps = s.link_kbps.load();
  const std::string rate = kbps <= 0       ? "?"
                           : kbps >= 10000 ? fmt("%.0fM", kbps / 1000)
                           : kbps >= 1000  ? fmt("%.1fM", kbps / 1000)
                                           : fmt("%.0fk", kbps);
  return fmt("%sbps q=%.0fms r%d %s", rate.c_str(), s.queue_ms.load(), s.rung.load(), sent_picture(s).c_str());
}

void rate_tracker::update(peer_stats& s, std::chrono::steady_clock::time_point now) {
  const auto fi = s.frames_decoded.load(), fo = s.frames_sent.load();
  const auto bi = s.bytes_received.load(), bo = s.bytes_sent.load();
  if (primed_) {
    const double secs = std::chrono::duration<double>(now - last_).count();
    if (secs > 0) {
      s.fps_in = static_cast<double>(fi - frames_in_) / secs;
      s.fps_out = static_cast<double>(fo - frames_out_) / secs;
      s.kbps_in = static_cast<double>(bi - bytes_in_) * 8 / 1000 / secs;
      s.kbps_out = static_cast<double>(bo - bytes_out_) * 8 / 1000 / secs;
    }
  }
  primed_ = true;
  last_ = now;
  frames_in_ = fi;
  frames_out_ = fo;
  bytes_in_ = bi;
  bytes_out_ = bo;
}

std::string status_line(const std::vector<peer_view>& peers, double source_fps) {
  std::uint64_t frames = 0, drops = 0;
  double fps = 0, kbps_in = 0, kbps_out = 0;
  std::int64_t latency = -1;
  for (const auto& p : peers) {
    const auto& s = *p.stats;
    frames += s.frames_decoded;
    drops += s.frames_replaced + s.frames_held + s.frames_skipped + s.frames_undecodable;
    fps += s.fps_in;
    kbps_in += s.kbps_in;
    kbps_out += s.kbps_out;
    latency = std::max(latency, s.latency_us.percentile(50));
  }
  // Each direction apart: a link carries its rate both ways at once, and their
  // sum is no rate the link has.
  auto line = fmt("frame=%6llu fps=%5.1f in=%6.0fkbps out=%6.0fkbps latency=%6sms drop=%llu peers=%zu",
                  static_cast<unsigned long long>(frames), fps, kbps_in, kbps_out, ms(latency).c_str(),
                  static_cast<unsigned long long>(drops), peers.size());
  if (source_fps > 0) line += fmt(" src=%.4gfps", source_fps);
  // Each link as it adapts, the first few: its rate, its queueing, and what it is sent.
  constexpr std::size_t links_shown = 3;
  for (std::size_t i = 0; i < peers.size() && i < links_shown; ++i)
    line += " | " + peers[i].name.substr(0, 12) + " " + link_summary(*peers[i].stats);
  if (peers.size() > links_shown) line += fmt(" | +%zu", peers.size() - links_shown);
  return line;
}

std::string stats_table(const std::vector<peer_view>& peers) {
  if (peers.empty()) return "nobody is connected\n";
  std::string out =
      fmt("%-14s %-21s %6s %7s %8s %8s %5s %5s %6s %6s %5s %6s %6s %7s %7s %7s %7s %6s %5s %6s %s\n", "peer", "address",
          "rtt ms", "texts", "frames>", "frames<", "fps>", "fps<", "drop>", "skip<", "bad<", "kbps>", "kbps<",
          "lat p50", "lat p95", "lat p99", "link>", "queue>", "rung>", "held>", "sent>");
  for (const auto& p : peers) {
    const auto& s = *p.stats;
    out += fmt(
        "%-14.14s %-21.21s %6s %3llu/%-3llu %8llu %8llu %5.1f %5.1f %6llu %6llu %5llu %6.0f %6.0f %7s %7s %7s",
        p.name.c_str(), p.address.c_str(), ms(s.rtt_us).c_str(), static_cast<unsigned long long>(s.texts_sent.load()),
        static_cast<unsigned long long>(s.texts_received.load()), static_cast<unsigned long long>(s.frames_sent.load()),
        static_cast<unsigned long long>(s.frames_decoded.load()), s.fps_out.load(), s.fps_in.load(),
        static_cast<unsigned long long>(s.frames_replaced.load()),
        static_cast<unsigned long long>(s.frames_skipped.load()),
        static_cast<unsigned long long>(s.frames_undecodable.load()), s.kbps_out.load(), s.kbps_in.load(),
        ms(s.latency_us.percentile(50)).c_str(), ms(s.latency_us.percentile(95)).c_str(),
        ms(s.latency_us.percentile(99)).c_str());
    out += fmt(" %7.0f %6.1f %5d %6llu %s\n", s.link_kbps.load(), s.queue_ms.load(), s.rung.load(),
               static_cast<unsigned long long>(s.frames_held.load()), sent_picture(s).c_str());
  }
  out +=
      "> sent, < received (rates over the last second); drop: newer frame replaced an unsent one; "
      "skip: decoder busy; bad: not a JPEG; link: estimated kbps; queue: ms a byte sent now waits; "
      "rung: 0 is full quality; held: frames the link could not take in time; sent: our last frame\n";
  return out;
}

}  // namespace chatnode::stats
