// A plain TCP client on 127.0.0.1 for feeding a node bytes no real peer would
// send, or for standing in for a teaching program; raw_listener accepts one
// from a node started with --connect.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test_support {

/// Encoded protocol bytes as the string raw_client sends.
inline std::string as_string(const std::vector<std::uint8_t>& b) { return {b.begin(), b.end()}; }

class raw_client {
 public:
  explicit raw_client(unsigned short port);
  /// Takes over a connected socket.
  static raw_client adopt(int fd);
  raw_client(raw_client&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~raw_client();
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  void send(std::string_view bytes);
  void shutdown_send();

  struct result {
    std::string bytes;    ///< everything the node sent
    bool closed = false;  ///< the node closed (or reset) the connection before the deadline
  };
  /// Reads until the node closes the connection or `timeout` passes.
  result read_until_closed(std::chrono::milliseconds timeout);
  /// Reads until what arrived contains `needle`, the node closes, or `timeout` passes.
  result read_until(std::string_view needle, std::chrono::milliseconds timeout);
  /// Reads until at least `n` bytes arrived, the node closes, or `timeout` passes.
  result read_at_least(std::size_t n, std::chrono::milliseconds timeout);

 private:
  raw_client() = default;
  int fd_ = -1;
};

/// A loopback port nobody listens on: bound, then released.
unsigned short unused_port();

/// A listening socket on 127.0.0.1, any free port.
class raw_listener {
 public:
  raw_listener();
  ~raw_listener();
  raw_listener(const raw_listener&) = delete;
  raw_listener& operator=(const raw_listener&) = delete;

  unsigned short port() const { return port_; }
  /// The next connection; throws when none arrives within `timeout`.
  raw_client accept(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

}  // namespace test_support
