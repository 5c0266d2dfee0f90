#include "chatnode/app/node.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

#include "chatnode/commands.hpp"
#include "chatnode/interfaces.hpp"
#include "chatnode/protocol/utf8.hpp"
#include "chatnode/video/avi_recorder.hpp"
#include "chatnode/video/display_window.hpp"
#include "chatnode/video/frame_saver.hpp"
#include "chatnode/web/access_token.hpp"

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

/// The source the options ask for. A missing camera falls back to the test
/// pattern only when none was named; a named one that fails is an error.
std::unique_ptr<video::frame_source> open_source(const options& o, term::console& console) {
  using source = options::video_source;
  const auto pattern = [&] {
    const auto size = o.capture.size.empty() ? cv::Size(640, 480) : o.capture.size;
    return video::make_test_pattern(size.width, size.height, o.name);
  };
  std::string error;
  switch (o.source) {
    case source::none:
    case source::receive_only:
      return nullptr;
    case source::test_pattern:
      return pattern();
    case source::automatic:
      if (auto cam = video::open_camera(0, error)) return cam;
      console.info("no camera (" + error + "): sending the test pattern instead");
      return pattern();
    case source::camera:
      if (auto cam = video::open_camera(o.camera_index, error)) return cam;
      throw std::runtime_error(error);
    case source::file:
      if (auto file = video::open_video_file(o.video_file, error)) return file;
      throw std::runtime_error(error);
  }
  return nullptr;
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
      source_(hooks_.source ? std::move(hooks_.source) : open_source(opts_, console_)),
      decoder_(opts_.source == options::video_source::none
                   ? nullptr
                   : std::make_unique<video::decode_thread>(video::make_turbojpeg_codec(), make_sinks())),
      terminal_view_(console_),
      room_(opts_.name, opts_.max_peers),
      connector_(ioc_),
      input_(strand_),
      signals_(strand_, SIGINT, SIGTERM),
      stats_timer_(strand_),
      reconnect_timer_(strand_),
      backoff_(random_node_id()),
      rate_limit_(connections_per_second, connection_burst) {
  session_cfg_.greeting.node_id = random_node_id();
  session_cfg_.greeting.name = opts_.name;
  session_cfg_.greeting.capabilities = protocol::cap_text;
  if (decoder_) session_cfg_.greeting.capabilities |= protocol::cap_video_recv;
  if (source_) session_cfg_.greeting.capabilities |= protocol::cap_video_send;
  session_cfg_.adapt = {opts_.degrade, opts_.capture.quality, opts_.max_bitrate};
  if (source_) session_cfg_.demand = &demand_;
  if (opts_.mode == options::role::listen) listener_.emplace(ioc_, opts_.address);
  // The terminal hears first, as the user would: a peer has joined before anything is done about it.
  room_.subscribe(terminal_view_);
  room_.subscribe(*this);
  if (decoder_) room_.subscribe(decoder_feed_.emplace(*decoder_));
  if (opts_.web) open_web();
}

void node::open_web() {
  app::web_bridge::identity id{opts_.name, "", {}, opts_.source != options::video_source::none};
  if (listener_) {
    id.listening = format_endpoint(listener_->local_endpoint());
    id.addresses.push_back("chat on " + id.listening);
  }
  for (const auto& a : own_addresses()) id.addresses.push_back(a.describe());
  // The page's requests arrive on web sessions' strands; the node's state lives on strand_.
  app::web_bridge::actions act{
      [this](std::string body) {
        net::post(strand_, [this, b = std::move(body)]() mutable { say_from_page(std::move(b)); });
      },
      [this](std::string to) { net::post(strand_, [this, t = std::move(to)] { connect_from_page(t); }); }};
  web_bridge_ = std::make_unique<app::web_bridge>(std::move(id), room_, std::move(act));
  room_.subscribe(*web_bridge_);

  web::web_config cfg;
  if (!web::is_loopback_host(opts_.web->host)) cfg.token = web::access_token();
  cfg.log = [this](std::string_view what) { console_.info("web: " + std::string(what)); };
  if (tls_) cfg.tls = &tls_->web_context();
  web_token_ = cfg.token;
  web_ = std::make_unique<web::web_server>(ioc_, *opts_.web, *web_bridge_, std::move(cfg));
  web_bridge_->attach(*web_);
}

node::~node() = default;

std::vector<std::shared_ptr<video::frame_sink>> node::make_sinks() {
  std::vector<std::shared_ptr<video::frame_sink>> sinks = hooks_.sinks;
  auto report = [this](std::string what) { console_.info(what); };
  if (opts_.display) {
    std::string error;
    auto escape = [this] { net::post(strand_, [this] { finish(0, protocol::bye_reason::normal, true); }); };
    if (auto window = video::display_window::open(escape, error))
      sinks.push_back(std::move(window));
    else
      console_.info(error + ": carrying on without --display");
  }
  if (!opts_.record_path.empty())
    sinks.push_back(std::make_shared<video::avi_recorder>(opts_.record_path, opts_.capture.fps, report));
  if (!opts_.save_frames_dir.empty())
    sinks.push_back(std::make_shared<video::frame_saver>(opts_.save_frames_dir, report));
  return sinks;
}

std::vector<video::rendition> node::wanted_renditions() const {
  auto wanted = demand_.wanted();
  // A page or viewer shows the picture as the user asked for it.
  const video::rendition full{opts_.capture.quality, 1};
  if (web_bridge_ && web_bridge_->shows_ours() && std::find(wanted.begin(), wanted.end(), full) == wanted.end())
    wanted.insert(wanted.begin(), full);
  return wanted;
}

int node::run() {
  std::string addresses;
  for (const auto& a : own_addresses()) addresses += (addresses.empty() ? "" : ", ") + a.describe();
  console_.info("this is " + opts_.name + (addresses.empty() ? "" : " at " + addresses));
  // With TLS the secret is proved inside it, and everything is encrypted.
  if (!opts_.secret.empty() && !tls_)
    console_.info(
        "only peers that know the secret may join, but nothing is encrypted: anyone on the network path "
        "can still read what is said (use --tls as well; docs/SECURITY.md)");

  if (tls_) {
    console_.info("TLS 1.3: this node is " + tls_->id().fingerprint +
                  (tls_->id().created ? " (a new identity, in " : " (from ") +
                  tls_->id().cert_file.parent_path().string() + ")");
    console_.info(tls_->describe_trust());
  }
  if (listener_) {
    const auto ep = listener_->local_endpoint();
    console_.info("listening on " + format_endpoint(ep) + (opts_.address.host.empty() ? " (all interfaces)" : ""));
    net::co_spawn(strand_, listener_->accept_loop([this](tcp::socket s) {
      if (admit(s)) start_session(std::move(s), std::nullopt);
    }),
                  net::detached);
  } else {
    connecting_ = true;
    net::co_spawn(strand_, connect_to(opts_.address, true), net::detached);
  }
  if (web_) {
    const auto ep = web_->local_endpoint();
    const bool everywhere = ep.address().is_unspecified();
    const auto host = everywhere ? std::string("127.0.0.1") : opts_.web->host;
    const std::string scheme = tls_ ? "https://" : "http://";
    console_.info("web page at " + scheme + format_host_port({host, ep.port()}) + "/" +
                  (web_token_.empty() ? "" : "?token=" + web_token_) + (everywhere ? " (all interfaces)" : ""));
    web_->start();
  }
  if (hooks_.interactive) {
    if (opts_.read_stdin) net::co_spawn(strand_, read_input(), net::detached);
    net::co_spawn(strand_, watch_signals(), net::detached);
  }
  net::co_spawn(strand_, stats_loop(), net::detached);
  if (source_) {
    const auto described = source_->describe();
    video::capture_hooks hooks{
        [this] { return wanted_renditions(); },
        [this](video::frame_set_ptr f) {
          if (hooks_.on_frame_captured) hooks_.on_frame_captured(f->biggest());
          if (web_bridge_) web_bridge_->frame_captured(f->biggest());
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
    if (web_bridge_) web_bridge_->source_started(capture_->rate());
  }

  std::thread helper([this] { ioc_.run(); });
  ioc_.run();
  helper.join();
  capture_.reset();
  if (isatty(STDERR_FILENO)) console_.set_status("");
  return exit_code_;
}

awaitable<void> node::read_input() {
  co_await input_.run(
      protocol::max_text_bytes,
      [this](std::string line) {
        ++lines_read_;
        handle_line(std::move(line));
      },
      [this](std::size_t size) {
        console_.info("not sent: the message has " + std::to_string(size) + " bytes, the limit is " +
                      std::to_string(protocol::max_text_bytes));
      });
  // End of input. A --listen node goes on serving (it may have been started with no input at all).
  if (finishing_ || opts_.mode != options::role::connect) co_return;
  // Input that was never a terminal and gave no line (/dev/null, closed, as
  // under nohup, systemd or docker without -i): the node is used through its page.
  if (lines_read_ == 0 && !isatty(STDIN_FILENO) && web_) {
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

awaitable<void> node::stats_loop() {
  using namespace std::chrono_literals;
  const bool tty = isatty(STDERR_FILENO);
  while (!done_) {
    stats_timer_.expires_after(1s);
    co_await stats_timer_.async_wait(use_nothrow);
    if (done_) co_return;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& s : room_.sessions()) rates_[s->peer_id()].update(*s->stats(), now);
    // Refreshed in place once a second, and only where a person watches it.
    if (tty && (capture_ || decoder_))
      console_.set_status(stats::status_line(room_.views(), capture_ ? capture_->rate() : 0));
    if (web_bridge_) {
      if (capture_) web_bridge_->capture_skipped(capture_->frames_skipped());
      web_bridge_->tick(now);
    }
  }
}

void node::on_text(const protocol::text_message& m, bool from_peer) {
  if (from_peer && hooks_.on_text) hooks_.on_text(m);
}

void node::on_joined(const peer::participant& s) {
  net::post(strand_, [this, id = s.peer_id()] {
    told_alone_ = false;
    if (id != target_peer_id_) return;
    target_joined_ = true;
    backoff_.reset();
  });
}

void node::tell(const std::string& text) {
  console_.info(text);
  if (web_bridge_) web_bridge_->notice(text);
}

void node::quit() {
  net::post(strand_, [this] { finish(0, protocol::bye_reason::normal, true); });
}

void node::say(std::string line) {
  net::post(strand_, [this, line = std::move(line)]() mutable { handle_line(std::move(line)); });
}

unsigned short node::listening_port() const { return listener_ ? listener_->local_endpoint().port() : 0; }

unsigned short node::web_port() const { return web_ ? web_->local_endpoint().port() : 0; }

void node::handle_line(std::string line) {
  auto typed = parse_typed_line(std::move(line));
  switch (typed.what) {
    case typed_line::action::nothing:
      return;
    case typed_line::action::quit:
      return finish(0, protocol::bye_reason::normal, true);
    case typed_line::action::help:
      return console_.print(command_help);
    case typed_line::action::stats:
      // What our source plays at, then what each peer is sent (fps>) and sends (fps<).
      if (capture_) console_.info(source_line_);
      return console_.print(stats::stats_table(room_.views()));
    case typed_line::action::peers: {
      const auto peers = room_.sessions();
      if (peers.empty()) console_.info("nobody is connected");
      for (const auto& s : peers) console_.info(s->peer_hello().name + " at " + s->remote());
      return;
    }
    case typed_line::action::unknown:
      return console_.info("unknown command " + typed.text + " (try /help)");
    case typed_line::action::say:
      if (!protocol::is_valid_utf8(typed.text)) return tell("not sent: the line is not valid UTF-8");
      return send_text(std::move(typed.text));
  }
}

void node::say_from_page(std::string body) {
  if (finishing_) return;
  // The terminal shows what was said on the page: both are one conversation.
  console_.chat_line(opts_.name, body);
  send_text(std::move(body));
}

void node::send_text(std::string body) {
  switch (room_.send_local_text(std::move(body))) {
    case peer::room::local_text::sent:
      return;
    case peer::room::local_text::refused:
      return tell("not sent: nobody is connected and " + std::to_string(peer::room::max_backlog_bytes) +
                  " bytes are already waiting");
    case peer::room::local_text::waiting:
      if (told_alone_) return;
      told_alone_ = true;
      if (room_.texts_waiting_for_absent() > 0)
        return tell("nobody is connected: messages wait and are sent when the link is back");
      return tell("nobody is connected yet: messages wait and go to the next peer to join");
  }
}

void node::finish(int code, protocol::bye_reason reason, bool flush) {
  if (finishing_) return;
  finishing_ = true;
  exit_code_ = code;
  if (listener_) listener_->close();
  if (connecting_) connector_.cancel();
  reconnect_timer_.cancel();
  room_.stop_all(reason, "", flush, true);
  maybe_done();
}

void node::maybe_done() {
  if (!finishing_ || active_sessions_ > 0 || connecting_) return;
  // Nothing else keeps the io_context busy: once these wake, run() returns.
  done_ = true;
  if (const auto lost = room_.texts_waiting_for_absent(); lost > 0)
    tell(term::count_of(lost, "message") + (lost == 1 ? " was" : " were") +
         " never delivered: the link to the peer was lost and did not come back");
  if (web_) web_->stop();
  error_code ignored;
  signals_.cancel(ignored);
  stats_timer_.cancel();
  input_.cancel();
}

}  // namespace chatnode::app
