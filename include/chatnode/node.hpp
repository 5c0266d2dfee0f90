// One chat_node process: the io_context and its threads, the room, the
// listener or the connection, standard input and signals, wired together.
#pragma once

#include <optional>

#include "chatnode/net.hpp"
#include "chatnode/options.hpp"
#include "chatnode/peer/connector.hpp"
#include "chatnode/peer/listener.hpp"
#include "chatnode/peer/room.hpp"
#include "chatnode/term/console.hpp"
#include "chatnode/term/stdin_reader.hpp"

namespace chatnode {

class node {
 public:
  /// Threads that run the io_context: sessions on different strands run in parallel.
  static constexpr int io_threads = 2;

  /// Binds the listening socket at once, so a port in use is reported before anything starts.
  node(options opts, term::console& console);

  /// Runs until the node is finished (/quit, a signal, or the connection's end
  /// in --connect mode). Returns the process exit code.
  int run();

 private:
  awaitable<void> connect_and_run();
  awaitable<void> read_input();
  awaitable<void> watch_signals();
  void start_session(tcp::socket socket);
  void on_session_done(const peer::session& s);
  void handle_line(std::string line);
  void finish(int code, protocol::bye_reason reason, bool flush);
  void maybe_done();

  options opts_;
  term::console& console_;
  net::io_context ioc_;
  // Node-level state (below) is touched only on this strand: the accept loop,
  // the connector, standard input and signals all run on it.
  net::strand<net::io_context::executor_type> strand_;
  peer::room room_;
  peer::session_config session_cfg_;
  std::optional<peer::listener> listener_;
  peer::connector connector_;
  term::stdin_reader input_;
  net::signal_set signals_;

  int next_peer_id_ = 1;
  int active_sessions_ = 0;
  bool connecting_ = false;
  bool finishing_ = false;
  bool done_ = false;  ///< finished and no session left: the signal and input loops end
  bool told_alone_ = false;
  int exit_code_ = 0;
};

}  // namespace chatnode
