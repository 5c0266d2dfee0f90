#include "support/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace test_support {

raw_client::raw_client(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("raw_client: cannot connect to 127.0.0.1:" + std::to_string(port));
}

raw_client raw_client::adopt(int fd) {
  raw_client c;
  c.fd_ = fd;
  return c;
}

raw_client::~raw_client() {
  if (fd_ != -1) ::close(fd_);
}

void raw_client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the node may already have closed on us; that is what tests look at
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void raw_client::shutdown_send() { ::shutdown(fd_, SHUT_WR); }

raw_client::result raw_client::read_until_closed(std::chrono::milliseconds timeout) { return read_until({}, timeout); }

raw_client::result raw_client::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  result r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || (!needle.empty() && r.bytes.find(needle) != std::string::npos)) return r;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      return r;
    }
    r.bytes.append(buf, static_cast<std::size_t>(n));
  }
}

raw_client::result raw_client::read_at_least(std::size_t n, std::chrono::milliseconds timeout) {
  result r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (r.bytes.size() < n) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return r;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const auto got = ::recv(fd_, buf, std::min(sizeof buf, n - r.bytes.size()), 0);
    if (got <= 0) {
      r.closed = true;
      return r;
    }
    r.bytes.append(buf, static_cast<std::size_t>(got));
  }
  return r;
}

unsigned short unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (fd >= 0) ::close(fd);
  if (!bound) throw std::runtime_error("unused_port: cannot bind on 127.0.0.1");
  return ntohs(addr.sin_port);
}

raw_listener::raw_listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 4) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("raw_listener: cannot listen on 127.0.0.1");
  port_ = ntohs(addr.sin_port);
}

raw_listener::~raw_listener() { ::close(fd_); }

raw_client raw_listener::accept(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
    throw std::runtime_error("raw_listener: nobody connected in time");
  const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) throw std::runtime_error("raw_listener: accept failed");
  return raw_client::adopt(fd);
}

}  // namespace test_support
