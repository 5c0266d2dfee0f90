#include "chatnode/options.hpp"

#include <pwd.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <boost/program_options.hpp>

#include "chatnode/cluster/records.hpp"
#include "chatnode/commands.hpp"
#include "chatnode/protocol/frame.hpp"
#include "chatnode/protocol/utf8.hpp"
#include "chatnode/security/identity.hpp"

namespace chatnode {
namespace po = boost::program_options;

std::string default_name() {
  std::string user;
  if (const char* u = std::getenv("USER"); u && *u)
    user = u;
  else if (const passwd* pw = ::getpwuid(::getuid()))
    user = pw->pw_name;
  else
    user = "user";
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  auto name = user + "@" + host;
  return std::string(protocol::utf8_prefix(name, protocol::max_name_bytes));
}

namespace {

/// "a,b,,c" as {"a", "b", "", "c"}: an empty item is the caller's to refuse.
std::vector<std::string> comma_separated(const std::string& text) {
  std::vector<std::string> items;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find(',', start), text.size());
    items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

}  // namespace

std::optional<options> parse_options(int argc, const char* const* argv, std::ostream& out) {
  po::options_description desc(
      "Usage: chat_node --listen [HOST:]PORT | --connect HOST:PORT [options]\n\n"
      "Live text and video chat between peers over one TCP connection.\n\nOptions");
  std::string listen, connect, web, wire, secret;
  int max_peers = 16;
  options o;
  desc.add_options()("listen", po::value(&listen)->value_name("[HOST:]PORT"),
                     "wait for peers on PORT (all interfaces unless HOST is given; port 0 picks a free one)")(
      "connect", po::value(&connect)->value_name("HOST:PORT[,...]"),
      "connect to a listening node; several, comma-separated, are nodes of one room (--cluster on each): when "
      "the link to one is lost, the next is dialled, and what it had not acknowledged is sent again")(
      "no-reconnect",
      "with --connect, end when the link is lost instead of reconnecting (by default it tries "
      "again after 1 s, doubling to 30 s, and resends what the peer had not received)")(
      "retry",
      "with --connect, keep dialling the first connection with the same backoff until it holds, "
      "instead of exiting when the peer is not there (yet)")(
      "no-stdin",
      "do not read standard input at all (as a service does); by default a node whose input is not "
      "a terminal and ends before a line stays while it has a page to serve")(
      "name", po::value(&o.name)->value_name("NAME"), "name shown to peers (default: user@hostname)")(
      "max-peers", po::value(&max_peers)->value_name("N")->default_value(16),
      "peers in the room at once, 1 to 1024; more are told the room is full")(
      "protocol", po::value(&wire)->value_name("P"),
      "with --connect, what to speak: chat-node (default), lecture-video (the teaching video chat) or "
      "raw-text (the teaching text chat, nc -l); a --listen node recognises each peer's by itself")(
      "web", po::value(&web)->value_name("[HOST:]PORT"),
      "serve the chat as a web page on PORT (host 127.0.0.1 unless given; off loopback the page needs the "
      "token printed at start, or the one in $CHAT_NODE_WEB_TOKEN)")(
      "tls",
      "run the chat link over TLS 1.3: this node's identity (a key and certificate made on first use) "
      "is printed as a SHA-256 fingerprint, and each peer must present the one pinned or known for it")(
      "peer-fingerprint", po::value(&o.peer_fingerprints)->value_name("sha256:HEX"),
      "with --tls, accept only a peer presenting this fingerprint (repeatable); without it, a peer is trusted "
      "on first use and held to that fingerprint after")(
      "known-only",
      "with --tls, admit only peers already in known_peers: no trust on first use (a stranger who "
      "gives a known peer's name first would otherwise be pinned to it)")(
      "config-dir", po::value(&o.config_dir)->value_name("DIR"),
      "where the identity and known peers are kept (default: $XDG_CONFIG_HOME/chat_node or ~/.config/chat_node)")(
      "secret", po::value(&secret)->value_name("SECRET"),
      "admit only peers that prove they know SECRET, and join only such peers (both sides give the same). "
      "Better set $CHAT_NODE_SECRET instead: a command line is visible to every user of the machine (ps). "
      "It keeps strangers out but encrypts nothing (docs/SECURITY.md)")("help,h", "show this help and exit")(
      "version", "show the version and exit");

  po::options_description video("Video (default: camera 0, or the test pattern when there is no camera)");
  std::string size, max_bitrate, degrade = "balanced";
  video.add_options()("camera", po::value(&o.camera_index)->value_name("N"), "send video from camera N (/dev/videoN)")(
      "video", po::value(&o.video_file)->value_name("FILE"), "send video from FILE, looped")(
      "test-pattern", "send a synthetic test pattern")("receive-only", "send no video, but receive the peers' video")(
      "no-video", "text only: send and receive no video")(
      "fps", po::value(&o.capture.fps)->value_name("N")->default_value(30),
      "frames per second to send (0: as fast as possible); a --video file plays at its own rate, which --fps "
      "may lower but not raise")("scale", po::value(&o.capture.scale)->value_name("F")->default_value(0.5),
                                 "scale the source by F")("size", po::value(&size)->value_name("WxH"),
                                                          "send frames of exactly this size (overrides --scale)")(
      "quality", po::value(&o.capture.quality)->value_name("Q")->default_value(90),
      "JPEG quality, 1 to 100: the best a link is sent; a slow link gets less (--degrade)")(
      "max-bitrate", po::value(&max_bitrate)->value_name("RATE"),
      "send each peer at most RATE bits a second of video, e.g. 2M or 500k (default: what each link carries)")(
      "degrade", po::value(&degrade)->value_name("WHAT"),
      "what gives way first when a link is too slow: balanced (quality, then size, then frame rate; the "
      "default), maintain-framerate (quality, then size) or maintain-resolution (quality, then frame rate)")(
      "display", "show each peer's video in a window (ESC quits)")(
      "record", po::value(&o.record_path)->value_name("FILE"), "record received video to FILE (MJPEG in AVI)")(
      "save-frames", po::value(&o.save_frames_dir)->value_name("DIR"), "save received frames as JPEG files in DIR");
  desc.add(video);

  po::options_description cluster("A room over several hosts (docs/CLUSTER.md)");
  std::string cluster_servers, room = "lobby";
  double cluster_video_fps = 15;
  int replicas = 0;
  cluster.add_options()(
      "cluster", po::value(&cluster_servers)->value_name("URL[,URL...]"),
      "bridge this node's room to a NATS cluster (nats://HOST:PORT, comma-separated): every node of the same "
      "--room sees every line, once, and every node's video (docs/CLUSTER.md)")(
      "room", po::value(&room)->value_name("NAME")->default_value("lobby"),
      "with --cluster, the room's name: 1 to 64 letters, digits, '-' or '_'")(
      "cluster-video-fps", po::value(&cluster_video_fps)->value_name("N")->default_value(15),
      "with --cluster, frames a second of each origin's video sent to the cluster, 0 to 60 (0: none)")(
      "cluster-replicas", po::value(&replicas)->value_name("N"),
      "with --cluster, copies of the room's text the cluster keeps, 1 to 5 (default: one per server named, at most 3)");
  desc.add(cluster);

  po::variables_map vm;
  try {
    // No positional arguments: a stray word (an unquoted "--name Bob Smith") is an error, not dropped.
    const po::positional_options_description none;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(none).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(e.what());
  }
  if (vm.count("help")) {
    out << desc << "\n"
        << command_help << "\nA --listen node also chats with the teaching programs and with nc: 'nc HOST PORT', then\n"
        << "type a line first (a connection that sends nothing within 5 seconds is closed).\n";
    return std::nullopt;
  }
  if (vm.count("version")) {
    out << "chat_node " << CHATNODE_VERSION << " (protocol " << protocol::protocol_version << ")\n";
    return std::nullopt;
  }

  if (listen.empty() == connect.empty()) throw usage_error("give exactly one of --listen and --connect");
  try {
    if (!listen.empty()) {
      o.mode = options::role::listen;
      o.address = parse_listen_address(listen);
    } else {
      o.mode = options::role::connect;
      // Several nodes of one room, comma-separated (IPv6 addresses are in brackets, without commas).
      for (const auto& node : comma_separated(connect)) o.connect_to.push_back(parse_connect_address(node));
      o.address = o.connect_to.front();
    }
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  if (vm.count("no-reconnect")) {
    if (o.mode == options::role::listen) throw usage_error("--no-reconnect is for --connect");
    o.reconnect = false;
  }
  if (vm.count("retry")) {
    if (o.mode == options::role::listen) throw usage_error("--retry is for --connect");
    o.retry = true;
  }
  o.read_stdin = vm.count("no-stdin") == 0;
  if (vm.count("protocol")) {
    if (o.mode == options::role::listen)
      throw usage_error("--protocol is for --connect: a --listen node recognises each peer's protocol");
    using protocol::wire_protocol;
    const auto choices = {wire_protocol::chat_node, wire_protocol::lecture_video, wire_protocol::raw_text};
    const auto chosen =
        std::find_if(choices.begin(), choices.end(), [&](auto p) { return wire == protocol::to_string(p); });
    if (chosen == choices.end()) throw usage_error("--protocol must be chat-node, lecture-video or raw-text");
    o.wire = *chosen;
  }
  o.tls = vm.count("tls") > 0;
  if (!o.tls && !o.peer_fingerprints.empty()) throw usage_error("--peer-fingerprint is for --tls");
  o.known_only = vm.count("known-only") > 0;
  if (!o.tls && o.known_only) throw usage_error("--known-only is for --tls");
  if (o.known_only && !o.peer_fingerprints.empty())
    throw usage_error("--known-only and --peer-fingerprint are two rules: give one");
  for (auto& fp : o.peer_fingerprints)
    if (!security::is_fingerprint(fp))
      throw usage_error("--peer-fingerprint must be sha256: and 64 hex digits, as a --tls node prints it, not '" + fp +
                        "'");
  if (o.tls && o.wire != protocol::wire_protocol::chat_node)
    throw usage_error("--tls is for chat_node peers: the teaching programs have no TLS");
  if (vm.count("web")) {
    try {
      o.web = parse_listen_address(web);
    } catch (const std::invalid_argument& e) {
      throw usage_error(std::string("--web ") + e.what());
    }
    // Loopback unless asked: the page drives the node, so it is not offered to the network by default.
    if (o.web->host.empty()) o.web->host = "127.0.0.1";
  }

  if (vm.count("secret")) {
    if (secret.empty()) throw usage_error("--secret must not be empty");
    o.secret = secret;
  } else if (const char* env = std::getenv("CHAT_NODE_SECRET"); env && *env) {
    o.secret = env;
  }
  // A node with a secret never talks to anyone without one: the teaching programs cannot prove it.
  if (!o.secret.empty() && o.wire != protocol::wire_protocol::chat_node)
    throw usage_error(std::string("--protocol ") + protocol::to_string(o.wire) +
                      " cannot be combined with a secret (--secret or CHAT_NODE_SECRET): that program cannot prove it");

  const int sources = static_cast<int>(vm.count("camera") + vm.count("video") + vm.count("test-pattern") +
                                       vm.count("receive-only") + vm.count("no-video"));
  if (sources > 1)
    throw usage_error("give at most one of --camera, --video, --test-pattern, --receive-only and --no-video");
  if (vm.count("camera")) o.source = options::video_source::camera;
  if (vm.count("video")) o.source = options::video_source::file;
  if (vm.count("test-pattern")) o.source = options::video_source::test_pattern;
  if (vm.count("receive-only")) o.source = options::video_source::receive_only;
  if (vm.count("no-video")) o.source = options::video_source::none;
  if (o.camera_index < 0) throw usage_error("--camera must be 0 or more");
  if (max_peers < 1 || max_peers > 1024) throw usage_error("--max-peers must be from 1 to 1024");
  o.max_peers = static_cast<std::size_t>(max_peers);
  if (!(o.capture.fps >= 0 && o.capture.fps <= 1000)) throw usage_error("--fps must be from 0 to 1000");
  o.capture.fps_given = !vm["fps"].defaulted();
  if (!(o.capture.scale > 0 && o.capture.scale <= 4)) throw usage_error("--scale must be more than 0 and at most 4");
  if (o.capture.quality < 1 || o.capture.quality > 100) throw usage_error("--quality must be from 1 to 100");
  if (!max_bitrate.empty()) {
    try {
      o.max_bitrate = parse_bitrate(max_bitrate);
    } catch (const std::invalid_argument&) {
      throw usage_error("--max-bitrate must be bits a second from 10k to 10G, e.g. 2M, 500k or 300000");
    }
  }
  if (!video::parse_degrade(degrade, o.degrade))
    throw usage_error("--degrade must be balanced, maintain-framerate or maintain-resolution");
  if (!size.empty()) {
    int w = 0, h = 0;
    char x = 0, extra = 0;
    if (std::sscanf(size.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || x != 'x' || w < 16 || h < 16 || w > 4096 ||
        h > 4096 || w % 2 || h % 2)
      throw usage_error("--size must be WIDTHxHEIGHT, even numbers from 16x16 to 4096x4096, e.g. 640x480");
    o.capture.size = {w, h};
  }
  if (o.source == options::video_source::none && (vm.count("display") || vm.count("record") || vm.count("save-frames")))
    throw usage_error("--no-video cannot be combined with --display, --record or --save-frames");
  o.display = vm.count("display") > 0;

  if (!vm.count("name")) o.name = default_name();
  if (o.name.empty() || o.name.size() > protocol::max_name_bytes || !protocol::is_valid_utf8(o.name) ||
      protocol::has_control_characters(o.name))
    throw usage_error("--name must be 1 to " + std::to_string(protocol::max_name_bytes) +
                      " bytes of UTF-8 without control characters");
  o.capture.origin = o.name;

  if (cluster_servers.empty()) {
    for (const char* given : {"room", "cluster-video-fps", "cluster-replicas"})
      if (vm.count(given) && !vm[given].defaulted()) throw usage_error(std::string("--") + given + " is for --cluster");
    return o;
  }
  options::cluster_options c;
  for (const auto& url : comma_separated(cluster_servers)) {
    const std::string scheme = "nats://";
    try {
      if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("it does not start with nats://");
      (void)parse_connect_address(url.substr(scheme.size()));
    } catch (const std::exception& e) {
      throw usage_error("--cluster takes nats://HOST:PORT URLs, comma-separated; '" + url + "' is not one (" +
                        e.what() + ")");
    }
    c.servers.push_back(url);
  }
  if (!cluster::valid_room_name(room)) throw usage_error("--room must be 1 to 64 letters, digits, '-' or '_'");
  c.room = room;
  if (!(cluster_video_fps >= 0 && cluster_video_fps <= 60))
    throw usage_error("--cluster-video-fps must be from 0 to 60");
  c.video_fps = cluster_video_fps;
  c.replicas = vm.count("cluster-replicas") ? replicas : static_cast<int>(std::min<std::size_t>(3, c.servers.size()));
  if (c.replicas < 1 || c.replicas > 5) throw usage_error("--cluster-replicas must be from 1 to 5");
  o.cluster = std::move(c);
  return o;
}

std::uint64_t parse_bitrate(const std::string& text) {
  double value = 0;
  char unit = 0, extra = 0;
  const int n = std::sscanf(text.c_str(), "%lf%c%c", &value, &unit, &extra);
  double factor = 1;
  if (n == 2 && (unit == 'k' || unit == 'K'))
    factor = 1e3;
  else if (n == 2 && (unit == 'm' || unit == 'M'))
    factor = 1e6;
  else if (n == 2 && (unit == 'g' || unit == 'G'))
    factor = 1e9;
  else if (n != 1)
    throw std::invalid_argument("not a bit rate");
  const double bits = value * factor;
  if (!(bits >= 1e4 && bits <= 1e10)) throw std::invalid_argument("bit rate out of range");
  return static_cast<std::uint64_t>(bits);
}

}  // namespace chatnode
