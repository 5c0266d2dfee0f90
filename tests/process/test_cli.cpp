// Exit codes and messages of the command line: usage errors exit 2, runtime failures 1.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/child_process.hpp"
#include "support/raw_client.hpp"

using namespace test_support;
using stream = child_process::stream;

namespace {

int run_to_exit(child_process& p) {
  const auto code = p.wait_exit();
  REQUIRE(code.has_value());
  return *code;
}

}  // namespace

TEST_CASE("usage errors say what is wrong and exit 2", "[process][cli]") {
  struct usage_case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<usage_case> cases = {
      {{}, "give exactly one of --listen and --connect"},
      {{"--listen", "1", "--connect", "127.0.0.1:2"}, "give exactly one of --listen and --connect"},
      {{"--listen"}, "--listen"},
      {{"--listen", "99999"}, "port must be a number"},
      {{"--connect", "127.0.0.1"}, "port must be a number"},
      {{"--connect", "127.0.0.1:0"}, "cannot connect to port 0"},
      {{"--bogus"}, "unrecognised option '--bogus'"},
      {{"--listen", "0", "--name", std::string(65, 'n')}, "--name must be 1 to 64 bytes"},
      {{"--listen", "0", "--retry"}, "--retry is for --connect"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv{chat_node_binary()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    child_process p(argv);
    INFO("args: " << Catch::Detail::stringify(c.args));
    CHECK(run_to_exit(p) == 2);
    INFO(p.transcript(stream::err));
    CHECK(p.wait_for(stream::err, c.message, 1s));
    CHECK(p.wait_for(stream::err, "Try 'chat_node --help'", 1s));
  }
}

TEST_CASE("The options --help and --version print to stdout and exit 0", "[process][cli]") {
  child_process help({chat_node_binary(), "--help"});
  CHECK(run_to_exit(help) == 0);
  CHECK(help.wait_for(stream::out, "--listen", 1s));
  child_process version({chat_node_binary(), "--version"});
  CHECK(run_to_exit(version) == 0);
  CHECK(version.wait_for(stream::out, "chat_node ", 1s));
}

TEST_CASE("connecting to a closed port exits 1 with one clear line", "[process][cli]") {
  const auto port = unused_port();
  auto p = start_connector(port, "bob");
  CHECK(run_to_exit(*p) == 1);
  CHECK(p->wait_for(stream::err, "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused", 1s));
}

TEST_CASE("a port in use is reported with the address and exits 1", "[process][cli]") {
  auto alice = start_listener("alice");
  child_process second({chat_node_binary(), "--listen", "127.0.0.1:" + std::to_string(alice.port)});
  CHECK(run_to_exit(second) == 1);
  CHECK(second.wait_for(stream::err,
                        "cannot listen on 127.0.0.1:" + std::to_string(alice.port) + ": Address already in use", 1s));
}

TEST_CASE("the node prints its own addresses and the port it bound", "[process][cli]") {
  auto alice = start_listener("alice");
  CHECK(alice.port != 0);
  CHECK(alice.process->wait_for(stream::err, "this is alice", 1s));
}

TEST_CASE("a node raises its soft limit of open files to the hard one", "[process][cli]") {
  // Started with the soft limit many shells and services give, 1024 or less.
  rlimit ours{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &ours) == 0);
  REQUIRE(ours.rlim_max > 256);  // else a raised soft limit could not be told from one left alone
  rlimit lowered = ours;
  lowered.rlim_cur = 256;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  auto alice = start_listener("alice", {"--no-video"});
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &ours) == 0);

  std::ifstream limits("/proc/" + std::to_string(alice.process->pid()) + "/limits");
  std::string line;
  bool seen = false;
  while (std::getline(limits, line)) {
    if (!line.starts_with("Max open files")) continue;
    seen = true;
    std::istringstream fields(line.substr(std::string("Max open files").size()));
    std::string soft, hard;
    fields >> soft >> hard;
    CHECK(soft == hard);
    CHECK(soft != "256");
  }
  CHECK(seen);
}
