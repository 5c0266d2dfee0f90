#include "chatnode/peer/resume_store.hpp"

#include <algorithm>

namespace chatnode::peer {

std::vector<std::string> resume_store::park(const std::string& key, const std::string& name,
                                            std::vector<outgoing_text> undelivered,
                                            std::chrono::steady_clock::duration stayed) {
  auto [it, fresh] = peers_.try_emplace(key);
  auto& p = it->second;
  p.name = name;
  p.since = ++parked_count_;
  p.stayed += stayed;
  // Merged by sequence number: a link that was replaced may hand its texts
  // over after newer ones were already kept for the peer.
  auto& texts = p.texts;
  const auto middle = texts.insert(texts.end(), std::make_move_iterator(undelivered.begin()),
                                   std::make_move_iterator(undelivered.end()));
  const auto by_seq = [](const outgoing_text& a, const outgoing_text& b) { return a.seq < b.seq; };
  std::inplace_merge(texts.begin(), middle, texts.end(), by_seq);
  texts.erase(std::unique(texts.begin(), texts.end(), [](auto& a, auto& b) { return a.seq == b.seq; }), texts.end());
  p.bytes = 0;
  for (const auto& t : texts) p.bytes += t.frame->size();

  if (!fresh || peers_.size() <= max_peers_) return {};
  const auto least = std::min_element(peers_.begin(), peers_.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second.stayed, a.second.since) < std::pair(b.second.stayed, b.second.since);
  });
  std::vector<std::string> forgotten{least->second.name};
  peers_.erase(least);
  return forgotten;
}

std::vector<std::string> resume_store::append(const outgoing_text& t, const std::string& skip) {
  std::vector<std::string> forgotten;
  const auto size = t.frame->size();
  for (auto it = peers_.begin(); it != peers_.end();) {
    auto& p = it->second;
    if (it->first == skip) {
      ++it;
      continue;
    }
    if (p.bytes + size > bytes_per_peer_) {
      forgotten.push_back(p.name);
      it = peers_.erase(it);
      continue;
    }
    p.bytes += size;
    p.texts.push_back(t);
    ++it;
  }
  return forgotten;
}

bool resume_store::fits(std::size_t frame_bytes) const {
  return std::all_of(peers_.begin(), peers_.end(),
                     [&](const auto& e) { return e.second.bytes + frame_bytes <= bytes_per_peer_; });
}

std::vector<outgoing_text> resume_store::take(const std::string& key) {
  const auto it = peers_.find(key);
  if (it == peers_.end()) return {};
  auto texts = std::move(it->second.texts);
  peers_.erase(it);
  return texts;
}

std::size_t resume_store::texts_for(const std::string& key) const {
  const auto it = peers_.find(key);
  return it == peers_.end() ? 0 : it->second.texts.size();
}

std::size_t resume_store::total_texts() const {
  std::size_t n = 0;
  for (const auto& [key, p] : peers_) n += p.texts.size();
  return n;
}

}  // namespace chatnode::peer
