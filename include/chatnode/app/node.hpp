// One chat_node process: the io_context and its threads, the room, the
// listener or the connection, standard input, signals, and the video threads,
// wired together.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "chatnode/app/decoder_feed.hpp"
#include "chatnode/app/terminal_view.hpp"
#include "chatnode/app/web_bridge.hpp"
#include "chatnode/listener.hpp"
#include "chatnode/log_throttle.hpp"
#include "chatnode/net.hpp"
#include "chatnode/options.hpp"
#include "chatnode/peer/backoff.hpp"
#include "chatnode/peer/connection_rate_limit.hpp"
#include "chatnode/peer/connector.hpp"
#include "chatnode/peer/room.hpp"
#include "chatnode/peer/session.hpp"
#include "chatnode/security/tls_setup.hpp"
#include "chatnode/stats/report.hpp"
#include "chatnode/term/console.hpp"
#include "chatnode/term/stdin_reader.hpp"
#include "chatnode/video/capture_thread.hpp"
#include "chatnode/video/decode_thread.hpp"
#include "chatnode/video/rendition_demand.hpp"
#include "chatnode/web/web_server.hpp"

namespace chatnode::app {

/// What an embedding program (tests, the benchmark) changes about a node.
struct node_hooks {
  bool interactive = true;                                         ///< read standard input and handle SIGINT/SIGTERM
  std::unique_ptr<video::frame_source> source;                     ///< replaces the one the options name
  std::vector<std::shared_ptr<video::frame_sink>> sinks;           ///< get every decoded frame too
  std::function<void(const video::frame_ptr&)> on_frame_captured;  ///< sees each frame we send (its biggest rendition)
  std::function<void(const protocol::text_message&)> on_text;      ///< sees each text received (on a session strand)
};

class node final : private peer::room_subscriber {
 public:
  /// Threads that run the io_context: sessions on different strands run in parallel.
  static constexpr int io_threads = 2;

  /// Binds the listening socket and opens the video source at once, so a port
  /// in use or a missing file is reported before anything starts.
  node(options opts, term::console& console, node_hooks hooks = {});
  ~node();

  /// Runs until the node is finished (/quit, a signal, ESC in a window, or the
  /// connection's end in --connect mode). Returns the process exit code.
  int run();

  /// Any thread: as /quit, say bye to everyone (after they have our text) and finish.
  void quit();
  /// Any thread: as a line typed on standard input.
  void say(std::string line);
  /// The port the listener bound, 0 in --connect mode.
  unsigned short listening_port() const;
  /// The port the web page is served on, 0 without --web.
  unsigned short web_port() const;
  /// Connected peers, for statistics (any thread).
  std::vector<std::shared_ptr<peer::participant>> peers() const { return room_.sessions(); }

 private:
  /// Connects and starts a session. The --connect target's failure ends the
  /// node; one asked for on the page is only reported.
  awaitable<void> connect_to(host_port target, bool is_target);
  /// The link to the --connect target was lost: tries again, with backoff, until it is back.
  awaitable<void> reconnect();
  awaitable<void> read_input();
  awaitable<void> watch_signals();
  awaitable<void> stats_loop();
  /// A connection we made, as opposed to one we accepted.
  struct outgoing {
    protocol::wire_protocol wire;  ///< what to speak
    std::string address;           ///< what we dialled, as the user wrote it
    std::string resume_key;        ///< see session_config::resume_key
  };
  /// Runs a connection: an accepted one (`out` empty) speaks what its first
  /// bytes show. Returns its peer id (0: not started).
  int start_session(tcp::socket socket, std::optional<outgoing> out);
  awaitable<std::shared_ptr<peer::participant>> serve_peer(tcp::socket socket, int peer_id,
                                                           std::optional<outgoing> out);
  /// The session's settings for a TLS link whose peer presented `fingerprint`:
  /// its hello is vetted against the pins or known peers.
  peer::session_config tls_session_config(const std::optional<outgoing>& out, std::string fingerprint);
  /// Whether an accepted connection may go on (its address is not flooding us).
  bool admit(const tcp::socket& socket);
  /// `p` is null when the connection ended before its session began.
  void on_session_done(int peer_id, const peer::participant* p);
  void handle_line(std::string line);
  void send_text(std::string body);
  void say_from_page(std::string body);
  void connect_from_page(const std::string& to);
  /// A message for the user, on the terminal and on the page.
  void tell(const std::string& text);
  void open_web();
  void finish(int code, protocol::bye_reason reason, bool flush);
  void maybe_done();
  std::vector<std::shared_ptr<video::frame_sink>> make_sinks();
  /// The renditions of our video someone needs now (the capture thread asks).
  std::vector<video::rendition> wanted_renditions() const;

  // What the node itself does with the room's events: the hooks, and the dialing.
  void on_text(const protocol::text_message& m, bool from_peer) override;
  void on_joined(const peer::participant& s) override;

  options opts_;
  term::console& console_;
  node_hooks hooks_;
  // Before ioc_: sessions, destroyed with it, hold tickets of it.
  video::rendition_demand demand_;
  net::io_context ioc_;
  // Node-level state (below) is touched only on this strand: the accept loop,
  // the connector, standard input, signals and the statistics timer run on it.
  net::strand<net::io_context::executor_type> strand_;
  std::unique_ptr<security::tls_setup> tls_;     // with --tls
  std::unique_ptr<video::frame_source> source_;  // handed to the capture thread in run()
  // Before room_, which publishes to them:
  std::unique_ptr<video::decode_thread> decoder_;  // when we take video
  std::optional<app::decoder_feed> decoder_feed_;  // the room's frames to decoder_
  app::terminal_view terminal_view_;
  peer::room room_;
  peer::session_config session_cfg_;
  std::optional<chatnode::listener> listener_;
  peer::connector connector_;
  term::stdin_reader input_;
  net::signal_set signals_;
  net::steady_timer stats_timer_;
  net::steady_timer reconnect_timer_;
  peer::backoff backoff_;
  peer::connection_rate_limit rate_limit_;
  log_throttle refusal_log_;  ///< refused connections, one line a second
  std::map<int, stats::rate_tracker> rates_;
  // With --web; the bridge outlives the server, which calls it.
  std::unique_ptr<app::web_bridge> web_bridge_;
  std::unique_ptr<web::web_server> web_;
  std::string web_token_;
  std::string source_line_;  // "sending video from ..., N frames a second", said at start and with /stats
  std::unique_ptr<video::capture_thread> capture_;  // last: stopped first, while the room still exists

  int next_peer_id_ = 1;
  int target_peer_id_ = 0;      ///< the session with the --connect target, 0 when none
  bool target_joined_ = false;  ///< the target has been in the room: losing it means reconnecting
  int active_sessions_ = 0;
  std::uint64_t lines_read_ = 0;  ///< from standard input
  bool connecting_ = false;
  bool finishing_ = false;
  bool done_ = false;        ///< finished and no session left: the node's own loops end
  bool told_alone_ = false;  ///< told that lines wait, since the last peer joined
  int exit_code_ = 0;
};

}  // namespace chatnode::app
