#include "cluster_room_figures.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bench::cluster_room {
namespace {

double ms(clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

/// "NAME line K" said by NAME: K, or 0 for a line not of that shape.
int line_number(const std::string& origin, const std::string& body) {
  const auto prefix = origin + " line ";
  if (body.rfind(prefix, 0) != 0) return 0;
  try {
    return std::stoi(body.substr(prefix.size()));
  } catch (const std::exception&) {
    return 0;
  }
}

/// The longest gap between consecutive `times` that overlaps [from, to);
/// from the last one to `to` if nothing came after it.
double longest_gap(const std::vector<clock::time_point>& times, clock::time_point from, clock::time_point to) {
  double longest = 0;
  clock::time_point last{};
  bool any = false;
  for (const auto t : times) {
    if (any && t > from && last < to) longest = std::max(longest, ms(std::min(t, to) - std::max(last, from)));
    last = t;
    any = true;
  }
  if (!any || last < to) longest = std::max(longest, ms(to - std::max(any ? last : from, from)));
  return longest;
}

}  // namespace

void add_figures(const recording& rec, report& r) {
  std::map<std::string, const recording::peer*> by_name;
  for (const auto& p : rec.peers) {
    by_name[p.name] = &p;
    r.lines_said += static_cast<int>(p.seen.said_at.size());
  }
  std::vector<text_window*> fault_text;
  for (const auto& k : rec.kills) r.faults.push_back({k.what, {}, {}});
  for (auto& fl : r.faults) fault_text.push_back(&fl.text);

  for (const auto& p : rec.peers) {
    // Text: each line's latency, in the window in which it was said.
    std::set<std::pair<std::string, int>> distinct;
    std::vector<clock::time_point> arrived;
    for (std::size_t i = 0; i < p.seen.lines.size(); ++i) {
      const auto& line = p.seen.lines[i];
      const auto colon = line.find(": ");
      const auto origin = line.substr(0, colon);
      const int k = colon == std::string::npos ? 0 : line_number(origin, line.substr(colon + 2));
      const auto author = by_name.find(origin);
      if (k == 0 || author == by_name.end() || static_cast<std::size_t>(k) > author->second->seen.said_at.size())
        continue;  // not one of the peers' numbered lines
      ++r.deliveries;
      if (!distinct.emplace(origin, k).second) ++r.duplicates;
      const auto said = author->second->seen.said_at[static_cast<std::size_t>(k - 1)];
      const double latency = ms(p.seen.arrived[i] - said);
      arrived.push_back(p.seen.arrived[i]);
      const bool cross = author->second->home != p.home;
      if (said >= rec.steady_begin && said < rec.steady_end)
        (cross ? r.steady.cross_ms : r.steady.same_ms).add(latency);
      for (std::size_t f = 0; f < rec.kills.size(); ++f)
        if (said >= rec.kills[f].at && said < rec.kills[f].until)
          (cross ? fault_text[f]->cross_ms : fault_text[f]->same_ms).add(latency);
    }
    long expected = 0;
    for (const auto& other : rec.peers)
      if (&other != &p) expected += static_cast<long>(other.seen.said_at.size());
    r.missing += expected - static_cast<long>(distinct.size());
    r.steady.longest_silence_ms =
        std::max(r.steady.longest_silence_ms, longest_gap(arrived, rec.steady_begin, rec.steady_end));
    for (std::size_t f = 0; f < rec.kills.size(); ++f)
      fault_text[f]->longest_silence_ms =
          std::max(fault_text[f]->longest_silence_ms, longest_gap(arrived, rec.kills[f].at, rec.kills[f].until));

    // Video: latency and rate by hop while steady; the longest gap across each fault.
    const double steady_s = ms(rec.steady_end - rec.steady_begin) / 1000;
    for (const auto& [origin, frames] : p.seen.frames) {
      const auto node = std::find(rec.node_names.begin(), rec.node_names.end(), origin);
      if (node == rec.node_names.end()) continue;
      const bool local = node - rec.node_names.begin() == p.home;
      int in_window = 0;
      std::vector<clock::time_point> times;
      for (const auto& fr : frames) {
        times.push_back(fr.at);
        if (fr.at < rec.steady_begin || fr.at >= rec.steady_end) continue;
        ++in_window;
        (local ? r.local_frame_ms : r.remote_frame_ms).add(fr.latency_ms);
      }
      (local ? r.local_fps : r.remote_fps).add(in_window / steady_s);
      for (std::size_t f = 0; f < rec.kills.size(); ++f)
        if (rec.kills[f].dead_origin != origin)
          r.faults[f].video_gap_ms.add(longest_gap(times, rec.kills[f].at, rec.kills[f].until));
    }
  }
}

}  // namespace bench::cluster_room
