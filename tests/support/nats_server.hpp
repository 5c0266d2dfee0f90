// A nats-server with JetStream for a test, on 127.0.0.1 and ports of its own,
// its store in a directory of its own; stopped (and its store kept, for a
// restart on the same port) when the object goes.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace test_support {

class nats_server {
 public:
  /// One server of a cluster: its name, its port for routes, and the others' route URLs.
  struct clustered {
    std::string name;
    unsigned short route_port = 0;
    std::vector<std::string> routes;  ///< nats://127.0.0.1:PORT of the other servers
  };

  /// Starts and waits until it says it is ready; throws if it does not.
  explicit nats_server(std::filesystem::path store, unsigned short port = 0, std::optional<clustered> cluster = {});

  /// nats://127.0.0.1:PORT
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  unsigned short port() const { return port_; }
  /// Its process, while it runs (-1 when stopped).
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  /// Stops it (SIGTERM, then waits); start() brings it back on the same port and store.
  void stop();
  /// Kills it (SIGKILL, then waits): no goodbye to its clients or its cluster.
  void kill();
  /// Its server_name in the cluster, empty when it is alone.
  std::string name() const { return cluster_ ? cluster_->name : std::string(); }
  void start();
  /// Everything it logged, over all its starts.
  std::string log() const;

 private:
  std::filesystem::path store_;
  unsigned short port_;
  std::optional<clustered> cluster_;
  std::unique_ptr<child_process> process_;
};

/// `count` clustered servers (JetStream on, named s0, s1, ...), each its store under `dir`.
std::vector<std::unique_ptr<nats_server>> start_cluster(const std::filesystem::path& dir, int count);
/// Their URLs as --cluster takes them: "nats://...,nats://...".
std::string cluster_urls(const std::vector<std::unique_ptr<nats_server>>& servers);

}  // namespace test_support
