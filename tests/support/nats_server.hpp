// A nats-server with JetStream for a test, on 127.0.0.1 and ports of its own,
// its store in a directory of its own; stopped (and its store kept, for a
// restart on the same port) when the object goes.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace test_support {

class nats_server {
 public:
  /// Starts and waits until it says it is ready; throws if it does not.
  explicit nats_server(std::filesystem::path store, unsigned short port = 0);

  /// nats://127.0.0.1:PORT
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  unsigned short port() const { return port_; }
  /// Stops it (SIGTERM, then waits); start() brings it back on the same port and store.
  void stop();
  void start();

 private:
  std::filesystem::path store_;
  unsigned short port_;
  std::unique_ptr<child_process> process_;
};

}  // namespace test_support
