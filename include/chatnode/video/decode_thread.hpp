// Decodes received frames off the io_context, then hands them to the sinks.
// One slot per peer: a frame that arrives while the previous one from the same
// peer still waits replaces it (and is counted), so memory stays bounded and
// the picture stays current however slow decoding is.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chatnode/stats/peer_stats.hpp"
#include "chatnode/video/decoded_frame.hpp"
#include "chatnode/video/encoded_frame.hpp"
#include "chatnode/video/jpeg_codec.hpp"

namespace chatnode::video {

class decode_thread {
 public:
  /// Sinks are called on the decode thread, in this order.
  decode_thread(std::unique_ptr<jpeg_codec> codec, std::vector<std::shared_ptr<frame_sink>> sinks);
  /// Stops and joins; frames still waiting are dropped.
  ~decode_thread();
  decode_thread(const decode_thread&) = delete;
  decode_thread& operator=(const decode_thread&) = delete;

  /// Any thread: queue a frame of `peer` (latest wins), received between the
  /// steady-clock times `first_chunk_ns` and `complete_ns`.
  void submit(int peer, std::string peer_name, std::shared_ptr<stats::peer_stats> stats, frame_ptr frame,
              std::int64_t first_chunk_ns, std::int64_t complete_ns);
  /// Any thread: the peer is gone; sinks hear of it after its last frame.
  void peer_closed(int peer);

 private:
  struct job {
    std::string peer_name;
    std::shared_ptr<stats::peer_stats> stats;
    frame_ptr frame;
    std::int64_t first_chunk_ns = 0, complete_ns = 0;
  };
  void loop(const std::stop_token& stop);
  void decode(int peer, job& j);

  std::unique_ptr<jpeg_codec> codec_;
  const std::vector<std::shared_ptr<frame_sink>> sinks_;
  cv::Mat image_;  // reused: decoding allocates only when the size changes

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::map<int, job> pending_;  // guarded by mutex_
  std::vector<int> closed_;     // guarded by mutex_
  std::jthread thread_;         // last: starts after everything above exists
};

}  // namespace chatnode::video
