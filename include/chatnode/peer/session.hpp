// One connection to a peer speaking the chat_node protocol. Its life is the
// run() coroutine: read_loop() || write_loop() || heartbeat_loop(), all on the
// connection's strand, so its state needs no lock. Other threads reach it only
// through the public member functions, which post to that strand.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>

#include "chatnode/net.hpp"
#include "chatnode/pacing/ping_times.hpp"
#include "chatnode/peer/ending.hpp"
#include "chatnode/peer/link.hpp"
#include "chatnode/peer/link_adapter.hpp"
#include "chatnode/peer/outbox.hpp"
#include "chatnode/peer/participant.hpp"
#include "chatnode/peer/session_events.hpp"
#include "chatnode/peer/text_inbox.hpp"
#include "chatnode/protocol/frame_assembler.hpp"
#include "chatnode/protocol/frame_parser.hpp"
#include "chatnode/video/rendition_demand.hpp"

namespace chatnode::peer {

struct session_config {
  protocol::hello greeting;  ///< what we announce
  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds ping_interval{2000};
  /// While our video goes out, pings this often measure its queue one way
  /// (pacing/one_way_delay.hpp): 48 bytes each way, under 1 KB a second.
  std::chrono::milliseconds probe_interval{50};
  std::chrono::milliseconds peer_timeout{10000};   ///< silence after which the peer is gone
  std::chrono::milliseconds flush_timeout{3000};   ///< how long a graceful stop waits for acks
  std::chrono::milliseconds linger_timeout{2000};  ///< after bye, how long to wait for the peer's close
  /// A write not done by then ends the link: the peer has stopped reading. One
  /// write carries at most outbox::max_text_bytes_per_write of text and one
  /// video chunk, under 300 KiB: 20 s is a link slower than about 120 kbit/s.
  std::chrono::milliseconds write_timeout{20000};
  std::size_t text_budget = outbox::default_text_budget;
  /// Names the peer across connections (a --connect node's target address);
  /// empty: the peer's node id does.
  std::string resume_key;
  /// Called with the peer's hello before it joins: a reason refuses it (bye
  /// "not trusted"). Set on TLS links, to hold the peer to its fingerprint.
  std::function<std::string(const protocol::hello&)> vet;
  /// The secret exchange (peer/secret_gate.hpp) has sent and read the preambles: start at the hello.
  bool after_secret_exchange = false;
  /// How our video gives way to the link.
  adapt_config adapt;
  /// Where the link says which rendition of our video it needs; null: we capture none.
  video::rendition_demand* demand = nullptr;
};

class session final : public participant, public std::enable_shared_from_this<session> {
 public:
  /// `l`'s socket must be bound to a strand of its own; `peer_id` numbers the connection locally.
  /// `already_read` holds bytes a listener read from the socket to recognise the protocol.
  session(link l, int peer_id, session_config cfg, session_events& events,
          std::span<const std::uint8_t> already_read = {});

  awaitable<void> run() override;
  void send_text(outgoing_text t) override;
  void send_video(video::frame_set_ptr f) override;
  void stop(protocol::bye_reason reason, std::string text, bool flush) override;
  /// The peer joined and one side said bye (an orderly end, not a lost link).
  bool ended_in_order() const override { return joined_ && bye_exchanged_; }
  bool ended_for_cause() const override { return for_cause_; }
  void abandon(std::string reason) override;
  std::string resume_key() const override;
  void acknowledge(std::uint64_t seq) override;

 private:
  using clock = std::chrono::steady_clock;

  awaitable<void> read_loop();
  awaitable<void> write_loop();
  awaitable<void> heartbeat_loop();
  awaitable<void> discard_until_closed();

  /// Handles one whole frame; false when the connection must end.
  bool handle_frame(std::uint8_t type, std::span<const std::uint8_t> payload);
  void protocol_failure(const error_code& ec, std::string_view where);
  void on_pong(const protocol::pong& p);
  void do_stop(protocol::bye_reason reason, std::string text, bool flush);
  /// Closes the socket, which ends every pending operation, a stuck write too.
  void close_link(std::string reason);
  /// Acknowledges the peer's texts up to `seq` (never more than it sent).
  void ack_to(std::uint64_t seq);
  void wake_writer() { wake_.cancel(); }
  /// Moves what the room handed us (send_text) into the outbox.
  void take_texts();
  /// Before each write: reads the socket, lets the link's rung follow, and
  /// starts the waiting frame only if the link can take it now.
  void adapt_to_link();

  link link_;
  session_config cfg_;
  session_events& events_;

  protocol::frame_parser parser_;
  boost::beast::flat_buffer read_buffer_;
  protocol::frame_assembler assembler_;
  outbox outbox_;
  text_inbox inbox_;
  link_adapter adapter_;
  video::rendition_demand::ticket wants_;  ///< our video's rendition this link is sent
  net::steady_timer wake_;                 ///< condition variable of the write loop: cancelled on new work
  net::steady_timer heartbeat_;            ///< next heartbeat event; cancelled when a deadline changes

  bool joined_ = false;
  bool position_heard_ = false;  ///< the peer's first frame after its hello has come
  bool bye_exchanged_ = false;
  bool for_cause_ = false;  ///< a bye with a reason other than leaving or shutting down
  std::uint64_t last_text_seq_ = 0;
  std::uint64_t acked_to_ = 0;  ///< the highest of the peer's texts we acknowledged
  std::uint64_t held_to_ = 0;   ///< the highest whose acknowledgement waits for acknowledge()
  clock::time_point started_ = clock::now();
  clock::time_point last_rx_ = clock::now();
  clock::time_point next_ping_ = clock::now();
  clock::time_point write_deadline_ = clock::time_point::max();  ///< of the write in flight
  pacing::ping_times pings_;

  ending end_;  ///< forced: stop without waiting for acks (error, or flush deadline passed)
  protocol::bye bye_;
  clock::time_point stop_deadline_;
};

}  // namespace chatnode::peer
