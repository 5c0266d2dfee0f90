// One chat_node session on a real loopback connection, the other end played by
// a raw client, so that what the session hands back when its link ends is seen.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "chatnode/peer/session.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = chatnode::net;
namespace peer = chatnode::peer;
namespace protocol = chatnode::protocol;
using chatnode::tcp;
using test_support::as_string;
using test_support::raw_client;

/// What the session reports, for the test thread to wait on.
class recorded_events final : public peer::session_events {
 public:
  void on_joined(const std::shared_ptr<peer::participant>&) override { update([&] { joined_ = true; }); }
  bool on_text(peer::participant&, protocol::text_message) override { return true; }
  void on_video(peer::participant&, chatnode::video::received_frame) override {}
  void on_leaving(peer::participant&) override {}
  void on_closed(peer::participant&, bool, const std::string&, std::vector<peer::outgoing_text> undelivered) override {
    update([&] {
      undelivered_.emplace();
      for (const auto& t : undelivered) undelivered_->push_back(t.seq);
    });
  }

  bool wait_joined() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 30s, [&] { return joined_; });
  }
  /// The sequence numbers handed back at the close; nothing if it did not close in time.
  std::optional<std::vector<std::uint64_t>> wait_closed() {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 30s, [&] { return undelivered_.has_value(); });
    return undelivered_;
  }

 private:
  template <class F>
  void update(F f) {
    std::lock_guard lock(mutex_);
    f();
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  bool joined_ = false;
  std::optional<std::vector<std::uint64_t>> undelivered_;
};

peer::outgoing_text text(std::uint64_t seq, std::string body) {
  const protocol::text_message m{seq, 1'700'000'000'000'000ull, "host", std::move(body)};
  return {seq, std::make_shared<const protocol::bytes>(protocol::encode(m)), nullptr};
}

/// A session on the accepting end of a loopback connection, run by a thread of its own.
struct session_on_loopback {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, {net::ip::make_address("127.0.0.1"), 0}};
  raw_client remote{acceptor.local_endpoint().port()};
  recorded_events events;
  std::shared_ptr<peer::session> session;
  std::thread runner;

  explicit session_on_loopback(peer::session_config cfg) {
    tcp::socket socket(net::make_strand(ioc));
    acceptor.accept(socket);
    const auto executor = socket.get_executor();
    session = std::make_shared<peer::session>(peer::link(std::move(socket)), 1, std::move(cfg), events);
    net::co_spawn(executor, session->run(), net::detached);
    runner = std::thread([this] { ioc.run(); });
  }
  ~session_on_loopback() {
    ioc.stop();
    runner.join();
  }
};

}  // namespace

TEST_CASE("text posted to a session while it stops is sent or handed back, never dropped", "[session]") {
  peer::session_config cfg;
  cfg.greeting.node_id = 0x4057;
  cfg.greeting.name = "host";
  cfg.greeting.capabilities = protocol::cap_text;
  // The stop waits for acknowledgements longer than this test can take, so the
  // link is what ends it: closed by the peer, without a bye.
  cfg.flush_timeout = 60s;
  session_on_loopback f(std::move(cfg));

  protocol::hello remote_hello;
  remote_hello.node_id = 0x8e;
  remote_hello.name = "remote";
  remote_hello.capabilities = protocol::cap_text;
  f.remote.send(as_string(protocol::encode_greeting(remote_hello)));
  REQUIRE(f.events.wait_joined());

  // All three run on the session's strand in this order: the second text
  // arrives while the session is stopping, waiting for the first one's ack.
  f.session->send_text(text(1, "before the stop"));
  f.session->stop(protocol::bye_reason::shutting_down, "", true);
  f.session->send_text(text(2, "during the stop"));
  const auto seen = f.remote.read_until("during the stop", 30s);
  CHECK(seen.bytes.find("before the stop") != std::string::npos);
  CHECK(seen.bytes.find("during the stop") != std::string::npos);

  // The peer never acknowledges and its link is cut: both texts come back, to
  // be resent when it returns.
  f.remote.shutdown_send();
  const auto undelivered = f.events.wait_closed();
  REQUIRE(undelivered);
  CHECK(*undelivered == std::vector<std::uint64_t>{1, 2});
}
