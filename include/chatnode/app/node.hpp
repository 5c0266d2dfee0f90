// One chat_node process: the io_context and its threads, the room, the
// listener or the connection, standard input, signals, and the video threads,
// wired together.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "chatnode/app/decoder_feed.hpp"
#include "chatnode/app/local_chat.hpp"
#include "chatnode/app/page.hpp"
#include "chatnode/app/status_ticker.hpp"
#include "chatnode/app/terminal_view.hpp"
#include "chatnode/app/video_devices.hpp"
#include "chatnode/cluster/bridge.hpp"
#include "chatnode/listener.hpp"
#include "chatnode/net.hpp"
#include "chatnode/options.hpp"
#include "chatnode/peer/accept_throttle.hpp"
#include "chatnode/peer/admission.hpp"
#include "chatnode/peer/dialer.hpp"
#include "chatnode/peer/room.hpp"
#include "chatnode/security/tls_setup.hpp"
#include "chatnode/stats/report.hpp"
#include "chatnode/term/console.hpp"
#include "chatnode/term/stdin_reader.hpp"
#include "chatnode/video/capture_thread.hpp"
#include "chatnode/video/decode_thread.hpp"
#include "chatnode/video/rendition_demand.hpp"

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
  /// Runs a connection: an accepted one (`out` empty) speaks what its first
  /// bytes show. Returns its peer id (0: not started).
  int start_session(tcp::socket socket, std::optional<peer::dialled> out);
  /// `p` is null when the connection ended before its session began.
  void on_session_done(int peer_id, const peer::participant* p);
  awaitable<void> read_input();
  awaitable<void> watch_signals();
  /// A message for the user, on the terminal and on the page.
  void tell(const std::string& text);
  /// A line for the terminal alone (a refused connection, a device's error).
  report_fn report() {
    return [this](const std::string& what) { console_.info(what); };
  }
  void open_web();
  void start_capture();
  /// Runs the cluster's link as a session: the node ends when it has.
  void start_cluster_link();
  void finish(int code, protocol::bye_reason reason, bool flush);
  void maybe_done();
  /// The renditions of our video someone needs now (the capture thread asks).
  std::vector<video::rendition> wanted_renditions() const;

  // What the node itself does with the room's events: the hooks, and the dialing.
  void on_text(const protocol::text_message& m, const peer::participant* from) override;
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
  peer::admission_policy admission_;  // constant once constructed: admissions read it on their own strands
  std::optional<chatnode::listener> listener_;
  peer::accept_throttle throttle_;
  peer::dialer dialer_;
  app::local_chat chat_;
  term::stdin_reader input_;
  net::signal_set signals_;
  app::status_ticker ticker_;
  std::unique_ptr<cluster::bridge> cluster_;  // with --cluster
  std::unique_ptr<app::page> page_;           // with --web
  std::string source_line_;  // "sending video from ..., N frames a second", said at start and with /stats
  std::unique_ptr<video::capture_thread> capture_;  // last: stopped first, while the room still exists

  int next_peer_id_ = 1;
  int active_sessions_ = 0;
  bool finishing_ = false;
  bool done_ = false;  ///< finished and no session left: the node's own loops end
  int exit_code_ = 0;
};

}  // namespace chatnode::app
