// term::output_queue: the terminal's writer thread, on real pipes.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <regex>
#include <string>

#include "chatnode/term/output_queue.hpp"

using chatnode::term::output_queue;
using namespace std::chrono_literals;

namespace {

struct pipe_pair {
  int read_end = -1, write_end = -1;
  pipe_pair() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~pipe_pair() {
    ::close(read_end);
    ::close(write_end);
  }
  /// What arrives within `wait` of nothing more arriving.
  std::string read_for(std::chrono::milliseconds wait) {
    std::string got;
    char buf[4096];
    for (int i = 0; i < 100000; ++i) {
      pollfd p{read_end, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) break;
      const auto n = ::read(read_end, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
};

}  // namespace

TEST_CASE("the output queue writes everything, in order, to each text's descriptor", "[term][output]") {
  pipe_pair a, b;
  output_queue q;
  q.write(a.write_end, "one\n");
  q.write(b.write_end, "to b\n");
  q.write(a.write_end, "two\n");
  REQUIRE(q.drain(10s));
  CHECK(a.read_for(0ms) == "one\ntwo\n");
  CHECK(b.read_for(0ms) == "to b\n");
  CHECK(q.dropped() == 0);
}

TEST_CASE("a descriptor nobody reads costs dropped text, never a blocked writer; the gap is said", "[term][output]") {
  pipe_pair p;
  ::fcntl(p.write_end, F_SETPIPE_SZ, 4096);  // the smallest pipe the kernel gives
  output_queue q(4096);
  constexpr int lines = 2000;
  // Far more than the pipe and the queue hold; each write() returns at once
  // (this test would hang if one waited for a reader).
  for (int i = 0; i < lines; ++i) q.write(p.write_end, "line " + std::to_string(10000 + i) + "\n");
  CHECK(q.dropped() > 0);
  CHECK_FALSE(q.drain(100ms));  // stuck: nobody reads

  std::string got = p.read_for(500ms);  // the reader is back
  q.write(p.write_end, "after\n");
  got += p.read_for(500ms);
  REQUIRE(q.drain(10s));
  got += p.read_for(0ms);

  const std::regex note(R"(chat_node: ([0-9]+) lines? (was|were) not shown: the terminal was not reading)");
  std::uint64_t said_dropped = 0;
  int shown = 0, last = 0;
  bool ordered = true;
  std::string line, previous;
  for (std::size_t start = 0, end; (end = got.find('\n', start)) != std::string::npos; start = end + 1) {
    previous = line;
    line = got.substr(start, end - start);
    std::smatch m;
    if (std::regex_match(line, m, note)) {
      said_dropped += std::stoull(m[1]);
    } else if (line.starts_with("line ")) {
      const int n = std::stoi(line.substr(5));
      ordered = ordered && n > last;
      last = n;
      ++shown;
    }
  }
  CHECK(ordered);
  CHECK(line == "after");
  CHECK(std::regex_match(previous, note));  // the last gap is said before what follows it
  CHECK(said_dropped == q.dropped());
  CHECK(shown + said_dropped == static_cast<std::uint64_t>(lines));
}

TEST_CASE("the output queue's end does not wait for ever on a descriptor nobody reads", "[term][output]") {
  pipe_pair p;
  ::fcntl(p.write_end, F_SETPIPE_SZ, 4096);
  auto ended = std::async(std::launch::async, [&] {
    output_queue q;
    for (int i = 0; i < 100; ++i) q.write(p.write_end, std::string(1000, 'x') + "\n");
  });
  // drain_limit, then it leaves its writer behind; the margin is for the sanitizers.
  CHECK(ended.wait_for(output_queue::drain_limit + 30s) == std::future_status::ready);
  p.read_for(100ms);  // let the writer left behind finish before the pipe closes
}
