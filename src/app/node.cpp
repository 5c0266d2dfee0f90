#include "chatnode/app/node.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

#include "chatnode/app/node_setup.hpp"

namespace chatnode::app {
namespace {

using namespace std::chrono_literals;

// New connections a remote address may open: a burst of 20, then 10 a second.
constexpr double connections_per_second = 10;
constexpr double connection_burst = 20;

std::uint64_t random_node_id() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) | rd();
}

}  // namespace

node::node(options opts, term::console& console, node_hooks hooks)
    : opts_(std::move(opts)),
      console_(console),
      hooks_(std::move(hooks)),
      ioc_(io_threads),
      strand_(net::make_strand(ioc_)),
      tls_(opts_.tls ? std::make_unique<security::tls_setup>(opts_.config_dir.empty()
                                                                 ? security::default_config_dir()
                                                                 : std::filesystem::path(opts_.config_dir),
                                                             opts_.name, opts_.peer_fingerprints, opts_.known_only)
                     : nullptr),
      source_(hooks_.source ? std::move(hooks_.source) : open_source(opts_, report())),
      decoder_(opts_.source == options::video_source::none
                   ? nullptr
                   : std::make_unique<video::decode_thread>(
                         video::make_turbojpeg_codec(),
                         open_sinks(
                             opts_, hooks_.sinks,
                             [this] { net::post(strand_, [this] { finish(0, protocol::bye_reason::normal, true); }); },
                             report()))),
      terminal_view_(console_),
      room_(opts_.name, opts_.max_peers),
      throttle_(connections_per_second, connection_burst, report()),
      dialer_(ioc_, strand_,
              {[this](tcp::socket s, peer::dialled d) { return start_session(std::move(s), std::move(d)); },
               [this](const std::string& what) { tell(what); },
               [this] { finish(1, protocol::bye_reason::normal, false); }, [this] { maybe_done(); }},
              random_node_id()),
      chat_(room_, console_, opts_.name,
            {[this] { finish(0, protocol::bye_reason::normal, true); }, [this](const std::string& what) { tell(what); },
             [this] { return capture_ ? source_line_ : std::string(); }}),
      input_(strand_),
      signals_(strand_, SIGINT, SIGTERM),
      ticker_(
          strand_, room_, console_,
          {[this] { return capture_.get(); }, [this] { return page_ ? page_->bridge.get() : nullptr; },
           source_ != nullptr || decoder_ != nullptr,
           opts_.cluster ? std::function<stats::cluster_figures()>([this] { return cluster_->figures(); }) : nullptr}) {
  const auto node_id = random_node_id();
  // A node of a cluster greets as its room: its peers go on where they were on another node.
  const auto greeting_id = opts_.cluster ? cluster::room_node_id(opts_.cluster->room) : node_id;
  admission_ =
      admission_for(opts_, greeting_id, tls_.get(), decoder_ != nullptr, source_ ? &demand_ : nullptr, report());
  if (opts_.mode == options::role::listen) listener_.emplace(ioc_, opts_.address);
  if (opts_.cluster) {
    const auto& c = *opts_.cluster;
    cluster_ = std::make_unique<cluster::bridge>(
        net::make_strand(ioc_), room_,
        cluster::bridge_config{c.servers, c.room, c.video_fps, c.replicas, node_id, opts_.name}, report());
  }
  // The terminal hears first, as the user would: a peer has joined before anything is done about it.
  room_.subscribe(terminal_view_);
  room_.subscribe(*this);
  if (decoder_) room_.subscribe(decoder_feed_.emplace(*decoder_));
  if (cluster_) {
    room_.subscribe(*cluster_);
    room_.order_by(*cluster_, node_id);
  }
  if (opts_.web) open_web();
}

void node::open_web() {
  // The page's requests arrive on web sessions' strands; the node's state lives on strand_.
  app::web_bridge::actions act{[this](std::string body) {
                                 net::post(strand_, [this, b = std::move(body)]() mutable {
                                   if (!finishing_) chat_.written_on_page(std::move(b));
                                 });
                               },
                               [this](std::string to) {
                                 net::post(strand_, [this, t = std::move(to)] {
                                   if (!finishing_) dialer_.dial(t);
                                 });
                               }};
  page_ = std::make_unique<app::page>(ioc_, opts_, tls_.get(), room_, listener_ ? &*listener_ : nullptr, std::move(act),
                                      report());
  // Who is on the cluster's other nodes, in the page's peer list.
  if (cluster_) {
    cluster_->watch_presence([bridge = page_->bridge.get()](const cluster::presence_board::change& c) {
      using kind = cluster::presence_board::change::kind;
      const bool here = c.what == kind::joined || c.what == kind::back;
      bridge->cluster_presence(c.node, c.name, here, c.what == kind::left ? "left" : "its node is silent");
    });
  }
}

node::~node() {
  // The page goes before the cluster's bridge, whose threads tell it who is on the other nodes.
  if (cluster_) cluster_->watch_presence({});
}

std::vector<video::rendition> node::wanted_renditions() const {
  auto wanted = demand_.wanted();
  // A page or viewer shows the picture as the user asked for it; the cluster's nodes too.
  const video::rendition full{opts_.capture.quality, 1};
  const bool shown = (page_ && page_->bridge->shows_ours()) || (cluster_ && cluster_->sends_video());
  if (shown && std::find(wanted.begin(), wanted.end(), full) == wanted.end()) wanted.insert(wanted.begin(), full);
  return wanted;
}

int node::run() {
  for (const auto& line : startup_lines(opts_, tls_.get())) console_.info(line);
  if (listener_) {
    const auto ep = listener_->local_endpoint();
    console_.info("listening on " + format_endpoint(ep) + (opts_.address.host.empty() ? " (all interfaces)" : ""));
    net::co_spawn(strand_, listener_->accept_loop([this](tcp::socket s) {
      if (throttle_.allow(s)) start_session(std::move(s), std::nullopt);
    }),
                  net::detached);
  } else {
    // An embedding program may name only `address`.
    auto to = opts_.connect_to.empty() ? std::vector<host_port>{opts_.address} : opts_.connect_to;
    dialer_.dial_target({std::move(to), opts_.wire, opts_.retry, opts_.reconnect});
  }
  if (page_) {
    console_.info("web page at " + page_->url);
    page_->server->start();
  }
  if (hooks_.interactive) {
    if (opts_.read_stdin) net::co_spawn(strand_, read_input(), net::detached);
    net::co_spawn(strand_, watch_signals(), net::detached);
  }
  net::co_spawn(strand_, ticker_.run(), net::detached);
  if (source_) start_capture();
  if (cluster_) start_cluster_link();
  std::thread helper([this] { ioc_.run(); });
  ioc_.run();
  helper.join();
  capture_.reset();
  if (isatty(STDERR_FILENO)) console_.set_status("");
  return exit_code_;
}

void node::start_capture() {
  const auto described = source_->describe();
  video::capture_hooks hooks{
      [this] { return wanted_renditions(); },
      [this](const video::frame_set_ptr& f) {
        if (hooks_.on_frame_captured) hooks_.on_frame_captured(f->biggest());
        if (page_) page_->bridge->frame_captured(f->biggest());
        room_.broadcast_video(f);
      },
      [this](const std::string& e) { console_.info(e + ": no more video from us"); },
      [this](bool watched) {
        console_.info(watched ? "someone is watching: our video is on" : "nobody is watching: our video is off");
      }};
  capture_ = std::make_unique<video::capture_thread>(std::move(source_), video::make_turbojpeg_codec(), opts_.capture,
                                                     std::move(hooks));
  char rate[48];
  std::snprintf(rate, sizeof rate, "%.4g frames a second", capture_->rate());
  source_line_ = "sending video from " + described + ", " + (capture_->rate() > 0 ? rate : "as fast as it comes");
  console_.info(source_line_);
  if (page_) page_->bridge->source_started(capture_->rate());
}

awaitable<void> node::read_input() {
  const auto lines_read = co_await chat_.read(input_);
  // End of input. A --listen node goes on serving (it may have been started with no input at all).
  if (finishing_ || opts_.mode != options::role::connect) co_return;
  // Input that was never a terminal and gave no line (/dev/null, closed, as
  // under nohup, systemd or docker without -i): the node is used through its page.
  if (lines_read == 0 && !isatty(STDIN_FILENO) && page_) {
    console_.info("standard input ended before a line: staying for the web page (SIGTERM stops the node)");
    co_return;
  }
  // Typed or piped lines: the node leaves once the peer has them all.
  room_.stop_all(protocol::bye_reason::normal, "", true, true);
}

awaitable<void> node::watch_signals() {
  // done_ covers a cancel issued from inside this loop, when no wait is pending to abort.
  for (int seen = 0; !done_; ++seen) {
    auto [ec, sig] = co_await signals_.async_wait(use_nothrow);
    if (ec) co_return;
    if (seen > 0) {
      console_.info("second signal: exiting at once");
      exit_code_ = 1;
      ioc_.stop();
      co_return;
    }
    console_.info(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                  ": saying bye to peers (again to exit at once)");
    finish(0, protocol::bye_reason::shutting_down, true);
  }
}

void node::on_text(const protocol::text_message& m, const peer::participant* from) {
  if (from && hooks_.on_text) hooks_.on_text(m);
}

void node::on_joined(const peer::participant& s) {
  net::post(strand_, [this, id = s.peer_id()] {
    chat_.peer_joined();
    dialer_.joined(id);
  });
}

int node::start_session(tcp::socket socket, std::optional<peer::dialled> out) {
  if (finishing_) return 0;
  ++active_sessions_;
  const int peer_id = next_peer_id_++;
  peer::serve(std::move(socket), admission_, std::move(out), peer_id, room_,
              [this, peer_id](const std::shared_ptr<peer::participant>& p) {
                net::post(strand_, [this, peer_id, p] { on_session_done(peer_id, p.get()); });
              });
  return peer_id;
}

void node::start_cluster_link() {
  ++active_sessions_;
  const auto& link = cluster_->link();
  net::co_spawn(link->executor(), link->run(), [this, link](const std::exception_ptr& e) {
    if (e) console_.info("the cluster's link failed: " + what_failed(e));
    net::post(strand_, [this, link] { on_session_done(link->peer_id(), link.get()); });
  });
  cluster_->start();
}

void node::on_session_done(int peer_id, const peer::participant* p) {
  --active_sessions_;
  ticker_.forget(peer_id);
  if (dialer_.ended(peer_id, p)) return;
  // A --connect node lives while it has a connection (the one it was started
  // with, and any made from the page).
  if (opts_.mode == options::role::connect && active_sessions_ == 0 && !dialer_.busy())
    finish(p && p->ended_in_order() && !p->ended_for_cause() ? 0 : 1, protocol::bye_reason::normal, false);
  maybe_done();
}

void node::tell(const std::string& text) {
  console_.info(text);
  if (page_) page_->bridge->notice(text);
}

void node::quit() {
  net::post(strand_, [this] { finish(0, protocol::bye_reason::normal, true); });
}

void node::say(std::string line) {
  net::post(strand_, [this, line = std::move(line)]() mutable { chat_.typed(std::move(line)); });
}

unsigned short node::listening_port() const { return listener_ ? listener_->local_endpoint().port() : 0; }

unsigned short node::web_port() const { return page_ ? page_->server->local_endpoint().port() : 0; }

void node::finish(int code, protocol::bye_reason reason, bool flush) {
  if (finishing_) return;
  finishing_ = true;
  exit_code_ = code;
  if (listener_) listener_->close();
  dialer_.stop();
  room_.stop_all(reason, "", flush, true);
  maybe_done();
}

void node::maybe_done() {
  if (!finishing_ || active_sessions_ > 0 || dialer_.busy()) return;
  // Nothing else keeps the io_context busy: once these wake, run() returns.
  done_ = true;
  if (const auto lost = room_.texts_waiting_for_absent(); lost > 0)
    tell(term::count_of(lost, "message") + (lost == 1 ? " was" : " were") +
         " never delivered: the link to the peer was lost and did not come back");
  if (page_) page_->server->stop();
  error_code ignored;
  signals_.cancel(ignored);
  ticker_.stop();
  input_.cancel();
}

}  // namespace chatnode::app
