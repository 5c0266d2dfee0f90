#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>

namespace test_support {
namespace {

using clock = std::chrono::steady_clock;

void set_cloexec(int fd) { ::fcntl(fd, F_SETFD, FD_CLOEXEC); }

std::chrono::milliseconds remaining(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

}  // namespace

child_process::child_process(std::vector<std::string> argv, std::vector<std::string> env) {
  // The child's environment is built before fork: only async-signal-safe calls may follow it.
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    if (std::none_of(env.begin(), env.end(), [&](const std::string& o) { return o.starts_with(name); }))
      env.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);

  int in[2], out[2], err[2];
  if (::pipe(in) || ::pipe(out) || ::pipe(err)) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // If the test (or benchmark) dies, even by SIGKILL from a CTest timeout, so does the child.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  for (int fd : {in_, out_, err_}) set_cloexec(fd);
  // Writes to a child that has exited must fail with EPIPE, not kill the test.
  ::signal(SIGPIPE, SIG_IGN);
}

child_process::~child_process() {
  close_stdin();
  // An orderly stop lets LeakSanitizer check the child at exit; SIGKILL only if it hangs.
  if (!exit_code_) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(10s)) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  for (int i = 0; i < 100 && (out_ != -1 || err_ != -1); ++i) pump(std::chrono::milliseconds(50));
  if (out_ != -1) ::close(out_);
  if (err_ != -1) ::close(err_);
  if (on_teardown) on_teardown(*this);
}

void child_process::write_stdin(std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(in_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("write to child stdin: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void child_process::close_stdin() {
  if (in_ != -1) ::close(in_);
  in_ = -1;
}

void child_process::signal(int sig) { ::kill(pid_, sig); }

void child_process::read_output_for(std::chrono::milliseconds d) {
  const auto deadline = std::chrono::steady_clock::now() + d;
  for (auto now = std::chrono::steady_clock::now(); now < deadline; now = std::chrono::steady_clock::now())
    pump(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
}

void child_process::pump(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
  if (::poll(fds, 2, static_cast<int>(timeout.count())) <= 0) return;
  // Each complete line's arrival: when the read that completed it returned.
  const auto now = clock::now();
  auto drain = [now](int& fd, std::string& partial, std::vector<std::string>& lines,
                     std::vector<clock::time_point>& times) {
    char buf[65536];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
      ::close(fd);
      fd = -1;
      if (!partial.empty()) {
        lines.push_back(std::move(partial));
        times.push_back(now);
      }
      partial.clear();
      return;
    }
    partial.append(buf, static_cast<std::size_t>(n));
    for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n')) {
      lines.push_back(partial.substr(0, nl));
      times.push_back(now);
      partial.erase(0, nl + 1);
    }
  };
  if (fds[0].fd != -1 && (fds[0].revents & (POLLIN | POLLHUP))) drain(out_, out_partial_, out_lines_, out_times_);
  if (fds[1].fd != -1 && (fds[1].revents & (POLLIN | POLLHUP))) drain(err_, err_partial_, err_lines_, err_times_);
}

std::optional<std::string> child_process::wait_for_line(stream s, const std::function<bool(const std::string&)>& match,
                                                        std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  std::size_t checked = 0;
  for (;;) {
    const auto& l = lines(s);
    for (; checked < l.size(); ++checked)
      if (match(l[checked])) return l[checked];
    if (clock::now() >= deadline || (out_ == -1 && err_ == -1)) return std::nullopt;
    pump(std::min(remaining(deadline), std::chrono::milliseconds(100)));
  }
}

std::optional<std::string> child_process::wait_for(stream s, std::string_view needle,
                                                   std::chrono::milliseconds timeout) {
  return wait_for_line(
      s, [needle](const std::string& l) { return l.find(needle) != std::string::npos; }, timeout);
}

std::size_t child_process::wait_for_count(stream s, const std::function<bool(const std::string&)>& match, std::size_t n,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  std::size_t count = 0, checked = 0;
  for (;;) {
    const auto& l = lines(s);
    for (; checked < l.size(); ++checked) count += match(l[checked]) ? 1 : 0;
    if (count >= n || clock::now() >= deadline || (out_ == -1 && err_ == -1)) return count;
    pump(std::min(remaining(deadline), std::chrono::milliseconds(100)));
  }
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    const auto r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reap(status);
      break;
    }
    if (clock::now() >= deadline) return std::nullopt;
    // Keep draining output meanwhile, so a chatty child never blocks on a full pipe.
    if (out_ != -1 || err_ != -1)
      pump(std::min(remaining(deadline), std::chrono::milliseconds(20)));
    else
      ::poll(nullptr, 0, 20);
  }
  // Collect the rest of the output, which is complete once both pipes close.
  for (int i = 0; i < 100 && (out_ != -1 || err_ != -1); ++i) pump(std::chrono::milliseconds(50));
  return exit_code_;
}

void child_process::reap(int status) { exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

std::string child_process::transcript(stream s) const {
  std::string all;
  for (const auto& l : lines(s)) all += l + "\n";
  return all;
}

long memory_kib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with(field + ":")) return std::stol(line.substr(field.size() + 1));
  return 0;
}

listening_node start_listener(const std::string& name, std::vector<std::string> extra, std::vector<std::string> env) {
  std::vector<std::string> argv{chat_node_binary(), "--listen", "127.0.0.1:0", "--name", name};
  argv.insert(argv.end(), extra.begin(), extra.end());
  listening_node n{std::make_unique<child_process>(argv, std::move(env)), 0};
  const std::regex port_re("listening on 127\\.0\\.0\\.1:([0-9]+)");
  std::smatch m;
  const auto line = n.process->wait_for(child_process::stream::err, "listening on");
  if (!line || !std::regex_search(*line, m, port_re))
    throw std::runtime_error("listener did not report its port:\n" + n.process->transcript(child_process::stream::err));
  n.port = static_cast<unsigned short>(std::stoi(m[1]));
  return n;
}

std::unique_ptr<child_process> start_connector(unsigned short port, const std::string& name,
                                               std::vector<std::string> extra, std::vector<std::string> env) {
  std::vector<std::string> argv{chat_node_binary(), "--connect", "127.0.0.1:" + std::to_string(port), "--name", name};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<child_process>(argv, std::move(env));
}

}  // namespace test_support
