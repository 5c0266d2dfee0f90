// The links this node makes: the --connect target (its first dial, --retry,
// and getting a lost link back with backoff, resumed under the target's
// address), and the nodes named on the page. Runs on the node's strand.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chatnode/endpoint.hpp"
#include "chatnode/net.hpp"
#include "chatnode/peer/admission.hpp"
#include "chatnode/peer/backoff.hpp"
#include "chatnode/peer/connector.hpp"
#include "chatnode/peer/participant.hpp"

namespace chatnode::peer {

class dialer {
 public:
  using strand = net::strand<net::io_context::executor_type>;

  /// The --connect target and what to do when it cannot be reached.
  struct target {
    /// One node, or several nodes of one room (--cluster): each is tried in
    /// turn, and a lost link goes on with the next.
    std::vector<host_port> addresses;
    protocol::wire_protocol wire = protocol::wire_protocol::chat_node;
    bool retry = false;     ///< the first dial may fail: try again until it holds
    bool reconnect = true;  ///< a link lost after it held is dialled again
  };
  struct hooks {
    /// Runs a session over a connected socket; returns its peer id, 0 when none started.
    std::function<int(tcp::socket, dialled)> start;
    std::function<void(const std::string&)> tell;  ///< what the user is told (terminal and page)
    std::function<void()> unreachable;             ///< the target's first dial failed, and not --retry
    std::function<void()> settled;                 ///< no longer dialling: the node may be done
  };

  dialer(net::io_context& ioc, strand s, hooks h, std::uint64_t seed);

  /// Dials the --connect target.
  void dial_target(target t);
  /// Dials a node named on the page ("host:port", checked), unless a dial is under way.
  void dial(const std::string& to);
  /// Peer `peer_id` joined: a link to the target has held.
  void joined(int peer_id);
  /// Peer `peer_id`'s session ended (`p` null: before it began). True when the
  /// dialer dials the target again, so the node is not alone for long.
  bool ended(int peer_id, const participant* p);
  /// No more dialling: the one under way is cancelled.
  void stop();
  bool busy() const { return connecting_; }

 private:
  awaitable<void> first_dial();
  awaitable<void> dial_page_node(host_port to);
  awaitable<void> redial_target();
  /// Tries each target address once, from `from` on; true once one holds (its
  /// session started). `attempt` numbers a redial, empty for the first dial.
  awaitable<bool> try_addresses(std::size_t from, const std::string& attempt);
  dialled target_link(std::size_t i) const;

  strand strand_;
  hooks hooks_;
  connector connector_;
  net::steady_timer timer_;
  backoff backoff_;
  std::optional<target> target_;
  std::size_t current_ = 0;     ///< the target address last connected
  int target_peer_id_ = 0;      ///< the session with the target, 0 when none
  bool target_joined_ = false;  ///< the target has been in the room: losing it means reconnecting
  bool connecting_ = false;
  bool stopped_ = false;
};

}  // namespace chatnode::peer
