// A chat_node (or any) child process with pipes on stdin, stdout and stderr.
// Every wait is bounded; the destructor kills and reaps whatever is left.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "support/paths.hpp"

namespace test_support {

using namespace std::chrono_literals;

/// Generous: sanitizer builds run several times slower than release.
constexpr std::chrono::milliseconds default_wait = 30s;

class child_process {
 public:
  enum class stream { out, err };

  /// `env` holds NAME=VALUE entries set for the child on top of the test's own environment.
  explicit child_process(std::vector<std::string> argv, std::vector<std::string> env = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void write_stdin(std::string_view data);
  void close_stdin();
  void signal(int sig);
  pid_t pid() const { return pid_; }

  /// The first line (seen so far or arriving within `timeout`) for which `match` is true.
  std::optional<std::string> wait_for_line(stream s, const std::function<bool(const std::string&)>& match,
                                           std::chrono::milliseconds timeout = default_wait);
  /// Shorthand: a line containing `needle`.
  std::optional<std::string> wait_for(stream s, std::string_view needle,
                                      std::chrono::milliseconds timeout = default_wait);
  /// Waits until at least `n` lines satisfy `match`; returns how many did.
  std::size_t wait_for_count(stream s, const std::function<bool(const std::string&)>& match, std::size_t n,
                             std::chrono::milliseconds timeout = default_wait);
  /// Reads the child's output for `d`, so its pipes never fill while a test waits on something else.
  void read_output_for(std::chrono::milliseconds d);
  /// The exit code (128+signal when killed), or nothing if still running at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = default_wait);

  /// Complete lines received so far.
  const std::vector<std::string>& lines(stream s) const { return s == stream::out ? out_lines_ : err_lines_; }
  /// When each of those lines was read from the pipe (steady clock), index for index: as
  /// exact as the caller's reading is prompt (bench/slow_link times text arrivals with it).
  const std::vector<std::chrono::steady_clock::time_point>& line_times(stream s) const {
    return s == stream::out ? out_times_ : err_times_;
  }
  /// Everything on a stream as one string, for failure messages.
  std::string transcript(stream s) const;

  /// Called by every destructor once the child is gone and its output read
  /// (the tests install a check for sanitizer reports here).
  static inline std::function<void(const child_process&)> on_teardown;

 private:
  /// Reads what is available, waiting at most `timeout` for something to happen.
  void pump(std::chrono::milliseconds timeout);
  void reap(int status);

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string out_partial_, err_partial_;
  std::vector<std::string> out_lines_, err_lines_;
  std::vector<std::chrono::steady_clock::time_point> out_times_, err_times_;
  std::optional<int> exit_code_;
};

/// A field of /proc/PID/status in KiB ("VmRSS", "VmHWM"), 0 when absent.
long memory_kib(pid_t pid, const std::string& field);

/// A chat_node listening on 127.0.0.1:0, with the port it printed.
struct listening_node {
  std::unique_ptr<child_process> process;
  unsigned short port = 0;
};

/// Starts `chat_node --listen 127.0.0.1:0 --name NAME extra...` and waits for its port.
listening_node start_listener(const std::string& name, std::vector<std::string> extra = {},
                              std::vector<std::string> env = {});
/// Starts `chat_node --connect 127.0.0.1:PORT --name NAME extra...`.
std::unique_ptr<child_process> start_connector(unsigned short port, const std::string& name,
                                               std::vector<std::string> extra = {}, std::vector<std::string> env = {});

}  // namespace test_support
