#include "support/nats_server.hpp"

#include <csignal>
#include <fstream>
#include <iterator>
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
  // Its log goes to a file: nobody reads a pipe while a test waits on
  // something else, and a server whose log pipe is full stops, mid-election too.
  std::filesystem::create_directories(store_);
  const auto log_path = store_ / "server.log";
  argv.insert(argv.end(), {"--log", log_path.string()});
  const auto logged_before = log().size();
  process_ = std::make_unique<child_process>(argv);
  // JetStream is up once the server says it is ready.
  const auto deadline = std::chrono::steady_clock::now() + default_wait;
  while (log().find("Server is ready", logged_before) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline || process_->wait_exit(std::chrono::milliseconds(20)))
      throw std::runtime_error("nats-server did not start:\n" + log());
  }
}

std::string nats_server::log() const {
  std::ifstream in(store_ / "server.log");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void nats_server::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait_exit();
  process_.reset();
}

void nats_server::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  process_->wait_exit();
  process_.reset();
}

std::vector<std::unique_ptr<nats_server>> start_cluster(const std::filesystem::path& dir, int count) {
  std::vector<unsigned short> ports, routes;
  for (int i = 0; i < count; ++i) {
    ports.push_back(unused_port());
    routes.push_back(unused_port());
  }
  std::vector<std::unique_ptr<nats_server>> servers;
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> others;
    for (int j = 0; j < count; ++j)
      if (j != i) others.push_back("nats://127.0.0.1:" + std::to_string(routes[static_cast<std::size_t>(j)]));
    const auto n = static_cast<std::size_t>(i);
    servers.push_back(
        std::make_unique<nats_server>(dir / ("js" + std::to_string(i)), ports[n],
                                      nats_server::clustered{"s" + std::to_string(i), routes[n], others}));
  }
  return servers;
}

std::string cluster_urls(const std::vector<std::unique_ptr<nats_server>>& servers) {
  std::string all;
  for (const auto& s : servers) all += (all.empty() ? "" : ",") + s->url();
  return all;
}

}  // namespace test_support
