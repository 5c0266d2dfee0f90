// A plain TCP client on 127.0.0.1 for feeding a node bytes no real peer would send.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace test_support {

class raw_client {
 public:
  explicit raw_client(unsigned short port);
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

 private:
  int fd_ = -1;
};

}  // namespace test_support
