// Reads standard input without blocking the io_context: a stream descriptor on
// a duplicate of fd 0 (pipes, terminals and regular files all work on Asio 1.81).
#pragma once

#include <functional>
#include <string>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "chatnode/net.hpp"

namespace chatnode::term {

class stdin_reader {
 public:
  explicit stdin_reader(const net::any_io_executor& ex);
  /// Gives fd 0 back its original flags: Asio makes it non-blocking, which the
  /// file description shares with the shell.
  ~stdin_reader();
  stdin_reader(const stdin_reader&) = delete;
  stdin_reader& operator=(const stdin_reader&) = delete;

  /// Reads lines until end of input or cancel(); each line (at most `max_line`
  /// bytes) goes to `on_line`, each longer one to `on_overlong` with its size.
  awaitable<void> run(std::size_t max_line, std::function<void(std::string)> on_line,
                      std::function<void(std::size_t)> on_overlong);
  /// Call on the strand that runs run().
  void cancel();

 private:
  int saved_flags_;
  bool stopped_ = false;
  net::posix::stream_descriptor in_;
};

}  // namespace chatnode::term
