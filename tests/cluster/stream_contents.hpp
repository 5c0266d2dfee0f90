// What a room's JetStream stream holds, read by the test through the NATS
// client itself: its count, its leader, and every text in stream order.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace cluster_test {

struct stream_contents {
  std::uint64_t messages = 0;      ///< as the stream's state counts them
  std::string leader;              ///< the server leading it (its server_name), empty when none
  std::vector<std::string> texts;  ///< "origin: body", in stream order (only with read_stream)
};

/// The state of `room`'s stream, asked of the server at `url`; throws when it cannot be had.
stream_contents stream_state(const std::string& url, const std::string& room);
/// The state once the stream has a leader, asked of each of `urls` in turn (one
/// may be dead, or busy electing) until `limit`; then with no leader.
stream_contents stream_state_with_leader(const std::vector<std::string>& urls, const std::string& room,
                                         std::chrono::seconds limit);
/// The state and every text, in order; reading stops after `limit`.
stream_contents read_stream(const std::string& url, const std::string& room, std::chrono::seconds limit);

}  // namespace cluster_test
