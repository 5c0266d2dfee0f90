// Where a node starts reading the room's stream, against a real nats-server:
// the last 50 lines, or earlier when lines were stored after the node started
// (its peers were in the room while the stream did not answer it).
#include <catch2/catch.hpp>

#include <nats/nats.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "chatnode/clock.hpp"
#include "chatnode/cluster/nats_connection.hpp"
#include "chatnode/cluster/room_stream.hpp"
#include "support/nats_server.hpp"
#include "support/temp_dir.hpp"

namespace {

using chatnode::cluster::check;

/// The stream places a subscription delivers, as they arrive on the client's thread.
struct places_seen {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::uint64_t> places;

  static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
    auto& seen = *static_cast<places_seen*>(self);
    {
      std::lock_guard lock(seen.mutex);
      seen.places.push_back(chatnode::cluster::stream_place(msg));
    }
    seen.arrived.notify_all();
    natsMsg_Destroy(msg);
  }
  /// What arrived once the place `last` has, or by the deadline.
  std::vector<std::uint64_t> through(std::uint64_t last) {
    std::unique_lock lock(mutex);
    arrived.wait_for(lock, std::chrono::seconds(20), [&] { return !places.empty() && places.back() >= last; });
    return places;
  }
};

/// Ends `sub` once its callbacks have run: its places_seen may go after this.
void drain(natsSubscription* sub) {
  if (natsSubscription_Drain(sub) == NATS_OK) natsSubscription_WaitForDrainCompletion(sub, 5000);
  natsSubscription_Destroy(sub);
}

/// The wall clock ns at which `what` is as far in the past as the stream's
/// start margin: a node "started" then reads the stream from texts stored after `what`.
std::int64_t started_margin_after(std::int64_t wall_ns) { return wall_ns + 2'000'000'000; }

}  // namespace

TEST_CASE("a node starts at the room's last 50 lines, or at the first stored after it started", "[cluster]") {
  test_support::temp_dir dir;
  test_support::nats_server server(dir.path / "js");
  natsConnection* nc = nullptr;
  check(natsConnection_ConnectTo(&nc, server.url().c_str()), "connect");
  jsCtx* js = nullptr;
  check(natsConnection_JetStream(&js, nc, nullptr), "JetStream");
  const chatnode::cluster::room_names names("lobby");

  // An empty stream, made by the first node: nothing to deliver yet, then every text.
  places_seen first_node;
  auto* sub = chatnode::cluster::subscribe_room_stream(
      js, names, 1, static_cast<std::int64_t>(chatnode::wall_us()) * 1000, &places_seen::on_message, &first_node);
  constexpr std::uint64_t stored = 80;
  std::int64_t after_20 = 0;  // wall clock between the 20th and the 21st text
  for (std::uint64_t i = 1; i <= stored; ++i) {
    jsErrCode jerr = static_cast<jsErrCode>(0);
    check(js_Publish(nullptr, js, names.text_subject.c_str(), "x", 1, nullptr, &jerr), "publish");
    if (i == 20) after_20 = static_cast<std::int64_t>(chatnode::wall_us()) * 1000;
  }
  const auto now = static_cast<std::int64_t>(chatnode::wall_us()) * 1000;
  CHECK(first_node.through(stored).size() == stored);

  SECTION("a node that started long before anything was stored gets it all") {
    places_seen node;
    auto* s = chatnode::cluster::subscribe_room_stream(js, names, 1, started_margin_after(now - 3'600'000'000'000),
                                                       &places_seen::on_message, &node);
    const auto got = node.through(stored);
    REQUIRE_FALSE(got.empty());
    CHECK(got.front() == 1);
    CHECK(got.size() == stored);
    drain(s);
  }
  SECTION("a node that started between the 20th and 21st text gets them from the 21st") {
    places_seen node;
    auto* s = chatnode::cluster::subscribe_room_stream(js, names, 1, started_margin_after(after_20),
                                                       &places_seen::on_message, &node);
    const auto got = node.through(stored);
    REQUIRE_FALSE(got.empty());
    CHECK(got.front() == 21);
    CHECK(got.size() == stored - 20);
    drain(s);
  }
  SECTION("a node that started after the last text gets the last 50") {
    places_seen node;
    auto* s = chatnode::cluster::subscribe_room_stream(js, names, 1, started_margin_after(now),
                                                       &places_seen::on_message, &node);
    const auto got = node.through(stored);
    REQUIRE_FALSE(got.empty());
    CHECK(got.front() == stored - chatnode::cluster::history_lines + 1);
    CHECK(got.size() == chatnode::cluster::history_lines);
    drain(s);
  }
  drain(sub);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
}
