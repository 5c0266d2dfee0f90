#include "support/nats_server.hpp"

#include <csignal>
#include <stdexcept>

#include "support/raw_client.hpp"

namespace test_support {

nats_server::nats_server(std::filesystem::path store, unsigned short port, std::optional<clustered> cluster)
    : store_(std::move(store)), port_(port ? port : unused_port()), cluster_(std::move(cluster)) {
  start();
}

void nats_server::start() {
  std::vector<std::string> argv{"/usr/sbin/nats-server", "--jetstream", "--addr",       "127.0.0.1", "--port",
                                std::to_string(port_),   "--store_dir", store_.string()};
  if (cluster_) {
    std::string routes;
    for (const auto& r : cluster_->routes) routes += (routes.empty() ? "" : ",") + r;
    argv.insert(argv.end(), {"--server_name", cluster_->name, "--cluster_name", "chat_node_test", "--cluster",
                             "nats://127.0.0.1:" + std::to_string(cluster_->route_port), "--routes", routes});
  }
  process_ = std::make_unique<child_process>(argv);
  // Its log goes to stderr; JetStream is up once the server says it is ready.
  if (!process_->wait_for(child_process::stream::err, "Server is ready"))
    throw std::runtime_error("nats-server did not start:\n" + process_->transcript(child_process::stream::err));
}

void nats_server::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  process_->wait_exit();
  process_.reset();
}

}  // namespace test_support
