// The dialer on real loopback sockets: what it does when the --connect target
// is not there, comes later, or is lost after it held.
#include <catch2/catch.hpp>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chatnode/peer/dialer.hpp"
#include "support/raw_client.hpp"

namespace dialer_test {

using namespace std::chrono_literals;
namespace peer = chatnode::peer;
namespace net = chatnode::net;
using chatnode::tcp;

/// A dialer on its own io_context thread, recording what it asks of the node.
struct dialing {
  net::io_context ioc;
  peer::dialer::strand strand = net::make_strand(ioc);
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> told;
  std::vector<peer::dialled> started;
  std::vector<tcp::socket> sockets;  ///< kept open, as a session would
  int unreachable = 0;
  int settled = 0;
  peer::dialer dialer{ioc,
                      strand,
                      {[this](tcp::socket s, peer::dialled d) {
                         int id = 0;
                         record([&] {
                           sockets.push_back(std::move(s));
                           started.push_back(std::move(d));
                           id = static_cast<int>(started.size());
                         });
                         return id;
                       },
                       [this](const std::string& what) { record([&] { told.push_back(what); }); },
                       [this] { record([&] { ++unreachable; }); }, [this] { record([&] { ++settled; }); }},
                      42};
  std::thread runner;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};

  dialing() {
    runner = std::thread([this] { ioc.run(); });
  }
  ~dialing() {
    net::post(strand, [this] { dialer.stop(); });
    work.reset();
    ioc.stop();
    runner.join();
  }

  void record(const std::function<void()>& f) {
    {
      std::lock_guard lock(mutex);
      f();
    }
    changed.notify_all();
  }
  /// Waits (bounded) until `done()` holds, under the lock.
  template <class Pred>
  bool wait(Pred done, std::chrono::milliseconds limit = 15s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, done);
  }
  void on_strand(std::function<void()> f) { net::post(strand, std::move(f)); }
  /// Session 1, the target's, joins and is lost before its session began (a
  /// null participant): true once the dialer said it redials and a second session started.
  bool lose_target_and_redial() {
    on_strand([this] { dialer.joined(1); });
    std::promise<bool> redials;
    on_strand([&] { redials.set_value(dialer.ended(1, nullptr)); });
    const bool said = redials.get_future().get();
    CHECK(said);
    return said && wait([this] { return started.size() == 2; });
  }
};

peer::dialer::target target_at(unsigned short port, bool retry) {
  return {{{"127.0.0.1", port}}, chatnode::protocol::wire_protocol::chat_node, retry, true};
}

}  // namespace dialer_test

using dialer_test::dialing;
using dialer_test::target_at;

TEST_CASE("a target that is not there ends the node at once, without --retry", "[dialer]") {
  dialing d;
  d.on_strand([&, port = test_support::unused_port()] { d.dialer.dial_target(target_at(port, false)); });
  REQUIRE(d.wait([&] { return d.settled == 1; }));
  std::lock_guard lock(d.mutex);
  CHECK(d.unreachable == 1);
  CHECK(d.started.empty());
  REQUIRE(d.told.size() == 2);
  CHECK(d.told[0].rfind("connecting to 127.0.0.1:", 0) == 0);
  CHECK(d.told[1].find("could not connect to 127.0.0.1:") == 0);
}

TEST_CASE("with --retry the dialer waits for the target to come, and names the link by its address", "[dialer]") {
  dialing d;
  const auto port = test_support::unused_port();
  d.on_strand([&] { d.dialer.dial_target(target_at(port, true)); });
  // The first dial fails; the next comes after the backoff's first delay (1 s, jittered).
  REQUIRE(d.wait([&] { return d.told.size() >= 3; }));
  {
    std::lock_guard lock(d.mutex);
    CHECK(d.told[2].find("trying 127.0.0.1:" + std::to_string(port) + " again in") == 0);
    CHECK(d.unreachable == 0);
  }
  net::io_context server;
  tcp::acceptor acceptor(server, {net::ip::make_address("127.0.0.1"), port});
  REQUIRE(d.wait([&] { return d.started.size() == 1; }));
  std::lock_guard lock(d.mutex);
  CHECK(d.started[0].address == "127.0.0.1:" + std::to_string(port));
  CHECK(d.started[0].resume_key == "link to 127.0.0.1:" + std::to_string(port));
  CHECK(d.unreachable == 0);
}

TEST_CASE("a lost link to the target is dialled again; one ended with a bye is not", "[dialer]") {
  dialing d;
  net::io_context server;
  tcp::acceptor acceptor(server, {net::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  d.on_strand([&] { d.dialer.dial_target(target_at(port, false)); });
  REQUIRE(d.wait([&] { return d.started.size() == 1; }));
  // Lost before its session began (null participant): dialled again, after the backoff.
  REQUIRE(d.lose_target_and_redial());
  {
    std::lock_guard lock(d.mutex);
    CHECK(d.told.back().find("reconnecting to 127.0.0.1:" + std::to_string(port)) == 0);
  }
  // A session that was not the target's ends: nothing is dialled.
  std::promise<bool> other;
  d.on_strand([&] { other.set_value(d.dialer.ended(7, nullptr)); });
  CHECK_FALSE(other.get_future().get());
}

TEST_CASE("a target of several addresses is dialled in turn, and named by all of them", "[dialer]") {
  dialing d;
  net::io_context server;
  tcp::acceptor acceptor(server, {net::ip::make_address("127.0.0.1"), 0});
  const auto up = acceptor.local_endpoint().port();
  const auto down = test_support::unused_port();
  const auto all = "127.0.0.1:" + std::to_string(down) + ",127.0.0.1:" + std::to_string(up);
  d.on_strand([&] {
    d.dialer.dial_target(
        {{{"127.0.0.1", down}, {"127.0.0.1", up}}, chatnode::protocol::wire_protocol::chat_node, false, true});
  });
  REQUIRE(d.wait([&] { return d.started.size() == 1; }));
  {
    std::lock_guard lock(d.mutex);
    CHECK(d.unreachable == 0);
    CHECK(d.started[0].address == "127.0.0.1:" + std::to_string(up));
    CHECK(d.started[0].resume_key == "link to " + all);
  }
  // Lost: the next address after the one that held (the first, down) is tried, then the one up again.
  REQUIRE(d.lose_target_and_redial());
  std::lock_guard lock(d.mutex);
  CHECK(d.started[1].address == "127.0.0.1:" + std::to_string(up));
  CHECK(d.started[1].resume_key == d.started[0].resume_key);
  CHECK(std::any_of(d.told.begin(), d.told.end(), [&](const std::string& t) {
    return t.starts_with("attempt 1 failed: cannot connect to 127.0.0.1:" + std::to_string(down));
  }));
}
