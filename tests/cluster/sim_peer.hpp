// A chat_node peer inside the test process, made of the parts a node is made
// of (a room, a dialer, admission, sessions), so that a hundred of them can
// talk to a cluster without a hundred processes. It says numbered lines and
// records what it is sent, for the test's thread to read.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "chatnode/endpoint.hpp"
#include "chatnode/net.hpp"
#include "chatnode/peer/admission.hpp"
#include "chatnode/peer/dialer.hpp"
#include "chatnode/peer/room.hpp"

namespace cluster_test {

class sim_peer final : chatnode::peer::room_subscriber {
 public:
  using clock = std::chrono::steady_clock;

  /// Dials `nodes` in turn (the first first), as `--connect a,b,...` does;
  /// with `watch_video`, it asks for video and notes whose arrives.
  sim_peer(chatnode::net::io_context& ioc, std::string name, std::uint64_t node_id,
           std::vector<chatnode::host_port> nodes, bool watch_video);

  const std::string& name() const { return name_; }
  void start();
  /// Says "NAME line K" for K = 1..count, one every `every`, the first after `first_after`.
  void talk(int count, std::chrono::milliseconds every, std::chrono::milliseconds first_after = {});
  /// Says bye and dials no more.
  void stop();

  /// A frame as it came: when, and how long after its origin captured it
  /// (their wall clocks, one machine's: the tests and the benchmark run on one).
  struct frame_arrival {
    clock::time_point at;
    double latency_ms = 0;
  };
  struct seen {
    std::vector<std::string> lines;                            ///< "origin: body", in the order received
    std::vector<clock::time_point> arrived;                    ///< when each of `lines` came, index for index
    std::vector<clock::time_point> said_at;                    ///< when line K was said, at K - 1
    int joins = 0;                                             ///< links that held
    bool refused = false;                                      ///< a line was refused (the room's bound was full)
    std::map<std::string, std::vector<frame_arrival>> frames;  ///< per origin, in the order they came
  };
  seen snapshot() const;
  /// How many lines have come: cheaper than a snapshot, for a wait.
  std::size_t lines_seen() const;

 private:
  int start_session(chatnode::tcp::socket socket, chatnode::peer::dialled d);
  chatnode::awaitable<void> talk_loop(int count, std::chrono::milliseconds every,
                                      std::chrono::milliseconds first_after);

  void on_text(const chatnode::protocol::text_message& m, const chatnode::peer::participant* from) override;
  void on_joined(const chatnode::peer::participant& p) override;
  bool wants_video() const override { return watch_video_; }
  void on_video(const chatnode::peer::arrived_frame& f) override;

  const std::string name_;
  const std::vector<chatnode::host_port> nodes_;
  const bool watch_video_;
  chatnode::peer::room room_;
  chatnode::peer::admission_policy policy_;
  chatnode::peer::dialer::strand strand_;
  chatnode::peer::dialer dialer_;
  chatnode::net::steady_timer talk_timer_;
  int next_peer_id_ = 1;  ///< on strand_

  mutable std::mutex mutex_;
  seen seen_;
};

}  // namespace cluster_test
