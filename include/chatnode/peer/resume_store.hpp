// Text for peers whose link was lost: what they had not acknowledged, and what
// was said while they were away. Kept under a key that names the peer across
// connections (its node id, or the address a --connect node dials), so the next
// connection resumes where the last one stopped; the receiver drops what it
// already had by sequence number. Pure state: the room locks around it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "chatnode/peer/outgoing_text.hpp"

namespace chatnode::peer {

class resume_store {
 public:
  /// Each absent peer's text is bounded in bytes like a connected one's, and
  /// the number of absent peers kept is bounded too. Past it, the peer that had
  /// been in the room the shortest time is forgotten (of those, the one gone
  /// longest): strangers who connect and drop at once cannot push out a peer
  /// who took part.
  resume_store(std::size_t bytes_per_peer, std::size_t max_peers)
      : bytes_per_peer_(bytes_per_peer), max_peers_(max_peers) {}

  /// The link `key` was lost with `undelivered` still unacknowledged (ascending
  /// sequence numbers), after `stayed` in the room; it waits with anything
  /// already kept for `key`, and the times it stayed add up. Returns the name
  /// of the peer forgotten to stay within max_peers, if one was.
  std::vector<std::string> park(const std::string& key, const std::string& name, std::vector<outgoing_text> undelivered,
                                std::chrono::steady_clock::duration stayed);
  /// A text said in the room goes to every absent peer but `skip` (the peer
  /// that said it). Returns the names of the peers forgotten because it would
  /// have passed their byte bound.
  std::vector<std::string> append(const outgoing_text& t, const std::string& skip = {});
  /// Whether `t` fits for every absent peer (so appending it forgets nobody).
  bool fits(std::size_t frame_bytes) const;
  /// Takes what waits for `key` (ascending, no duplicates); empty when nothing does.
  std::vector<outgoing_text> take(const std::string& key);

  bool contains(const std::string& key) const { return peers_.contains(key); }
  bool empty() const { return peers_.empty(); }
  std::size_t texts_for(const std::string& key) const;
  /// Every kept text, for the report when the node ends with peers still away.
  std::size_t total_texts() const;

 private:
  struct absent_peer {
    std::string name;
    std::vector<outgoing_text> texts;  ///< ascending sequence numbers
    std::size_t bytes = 0;
    std::uint64_t since = 0;                       ///< order of parking, to forget the oldest first among equals
    std::chrono::steady_clock::duration stayed{};  ///< in the room, over all its links
  };

  const std::size_t bytes_per_peer_;
  const std::size_t max_peers_;
  std::map<std::string, absent_peer> peers_;
  std::uint64_t parked_count_ = 0;
};

}  // namespace chatnode::peer
