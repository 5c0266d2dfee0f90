// The command line, parsed into a plain struct. Usage errors throw usage_error (exit 2).
#pragma once

#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "chatnode/endpoint.hpp"
#include "chatnode/protocol/sniff.hpp"
#include "chatnode/video/capture_thread.hpp"

namespace chatnode {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct options {
  enum class role { listen, connect };
  role mode = role::listen;
  host_port address;  ///< where to listen, or whom to connect to (the first of connect_to)
  /// --connect's nodes, in the order given: several are nodes of one room
  /// (--cluster), tried in turn, a lost link going on with the next.
  std::vector<host_port> connect_to;
  std::string name;            ///< shown to peers; default user@hostname
  std::size_t max_peers = 16;  ///< peers in the room at once; more are told "room full"
  /// --connect: get a lost link back by itself (--no-reconnect: end instead).
  bool reconnect = true;
  /// --connect --retry: dial the first connection again, with backoff, until it holds.
  bool retry = false;
  /// --no-stdin: standard input is not read at all (as ssh -n).
  bool read_stdin = true;
  /// What --connect speaks: ours, or a teaching program's (a listener recognises each peer's).
  protocol::wire_protocol wire = protocol::wire_protocol::chat_node;

  enum class video_source {
    automatic,     ///< camera 0, or the test pattern when there is none
    camera,        ///< --camera N
    file,          ///< --video FILE
    test_pattern,  ///< --test-pattern
    receive_only,  ///< --receive-only: send none, receive peers' video
    none,          ///< --no-video: text only, neither sent nor received
  };
  video_source source = video_source::automatic;
  int camera_index = 0;
  std::string video_file;
  video::capture_config capture;  ///< fps, scale or size, quality (origin is filled from name)
  std::uint64_t max_bitrate = 0;  ///< --max-bitrate: bits a second of video per link at most; 0: the link decides
  video::degrade degrade = video::degrade::balanced;  ///< --degrade: what gives way first on a slow link

  bool display = false;         ///< a window per peer
  std::string record_path;      ///< AVI file for received video
  std::string save_frames_dir;  ///< directory for received JPEGs

  std::optional<host_port> web;  ///< --web: serve the page here (host defaults to 127.0.0.1)

  bool tls = false;                            ///< the chat link over TLS 1.3, both sides with certificates
  std::vector<std::string> peer_fingerprints;  ///< --peer-fingerprint: only these peers (else trust on first use)
  bool known_only = false;                     ///< --known-only: no trust on first use, only peers in known_peers
  std::string config_dir;                      ///< identity and known peers; empty: the default directory

  /// --secret or $CHAT_NODE_SECRET: admit only peers that prove they know it
  /// (docs/SECURITY.md). Empty: no secret, anyone may join.
  std::string secret;

  /// --cluster: the room bridged to a NATS cluster (docs/CLUSTER.md).
  struct cluster_options {
    std::vector<std::string> servers;  ///< nats://HOST:PORT, in the order given
    std::string room = "lobby";        ///< one subject token
    double video_fps = 15;             ///< per origin; 0: no video crosses the cluster
    int replicas = 1;                  ///< copies of the room's text the cluster keeps
  };
  std::optional<cluster_options> cluster;
};

/// Parses argv. Returns nothing when --help or --version was printed to `out`.
std::optional<options> parse_options(int argc, const char* const* argv, std::ostream& out);

/// "2M", "500k", "1.5M" or "300000": bits a second; throws std::invalid_argument otherwise.
std::uint64_t parse_bitrate(const std::string& text);

/// user@hostname, as the default name.
std::string default_name();

}  // namespace chatnode
