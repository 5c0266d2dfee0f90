// peer::link_adapter driven by a simulated link (peer/simulated_link.hpp).
#include <catch2/catch.hpp>

#include "peer/simulated_link.hpp"

using namespace link_adapter_test;

TEST_CASE("A link much faster than rung 0 needs stays at rung 0 and never holds a frame back", "[peer][link_adapter]") {
  simulated_link link({}, fast);
  link.run_for(20s);
  CHECK(link.adapter.rung_index() == 0);
  CHECK(link.steps_at_rung.size() == 1);
  CHECK(link.held_back == 0);
  CHECK(link.taken == link.offered);
  CHECK(link.started == link.offered);
  CHECK(link.offered >= 599);
  CHECK(link.adapter.offered_fps() == Approx(30).epsilon(0.02));
  // Rung 0 at 30 frames a second, which the link carries.
  CHECK(link.adapter.predicted_rate(0) == Approx(frame_bytes({90, 1}) * 30.0).epsilon(0.02));
}

// A rung that fits within the headroom is reached at once; one a little above
// it is kept when a probe shows the link carries it without a queue.
TEST_CASE("A slow link moves down to the highest rung the link carries, and no lower", "[peer][link_adapter]") {
  simulated_link link({}, slow);
  link.run_for(10s);
  link.reset_counts();
  link.run_for(20s);

  const auto& a = link.adapter;
  const auto usual = link.usual_rung();
  INFO("usual rung " << usual << ", predicted " << a.predicted_rate(usual) << " B/s");
  REQUIRE(usual > 0);
  CHECK(a.predicted_rate(usual) <= slow);
  CHECK(a.predicted_rate(usual - 1) > link_adapter::headroom * slow);
  // It probes the rung above now and then, but spends most of its time where it fits.
  CHECK(link.steps_at_rung.at(usual) >= 0.8 * (20s / step));
  for (const auto& [index, steps] : link.steps_at_rung) {
    INFO("rung " << index << " for " << steps << " steps");
    CHECK(index + 1 >= usual);  // the probe, one rung up
    CHECK(index <= usual);      // and never below where it fits
  }

  // What it sends fits the link, and uses a fair share of it.
  const double sent_rate = link.started_bytes / 20.0;
  CHECK(sent_rate <= slow);
  CHECK(sent_rate >= 0.5 * link_adapter::headroom * slow);
}

TEST_CASE("On a slow link the queue stays within the budget, the delayed ACK and one frame", "[peer][link_adapter]") {
  simulated_link link({}, slow);
  link.run_for(10s);
  link.reset_counts();
  link.run_for(20s);
  // A frame starts only while the queue ahead of it drains within the budget
  // (above the delayed ACK the meter allows for); the frame then adds its own.
  const double budget_s = seconds_of(adapt_config{}.budget);
  const double ack_s = seconds_of(chatnode::pacing::link_meter::delayed_ack);
  const double bound_s = budget_s + ack_s + link.biggest_frame / slow + 0.001;
  INFO("worst queue " << link.worst_queue_s * 1000 << " ms, bound " << bound_s * 1000 << " ms");
  CHECK(link.worst_queue_s <= bound_s);
  CHECK(link.worst_queue_s <= 3 * budget_s);
  // Frames go out all the same: the link is not starved.
  CHECK(link.started >= link.offered * 9 / 10);
}

TEST_CASE("A link whose rate comes back is at rung 0 again within 15 simulated seconds", "[peer][link_adapter]") {
  simulated_link link({}, slow);
  link.run_for(20s);
  REQUIRE(link.adapter.rung_index() > 0);
  link.rate = fast;
  const auto fast_from = link.now;
  CHECK(link.run_until([&] { return link.adapter.rung_index() == 0; }, 15s));
  INFO("back at rung 0 after " << seconds_of(link.now - fast_from) << " s");
  // Stays there.
  link.reset_counts();
  link.run_for(5s);
  CHECK(link.steps_at_rung.size() == 1);
  CHECK(link.adapter.rung_index() == 0);
}

TEST_CASE("A bitrate cap limits the bytes started on a fast link to the cap and a bucket", "[peer][link_adapter]") {
  adapt_config cfg;
  cfg.max_bitrate = 1'000'000;
  const double cap = cfg.max_bitrate / 8.0;
  simulated_link link(cfg, fast);
  link.run_for(10s);
  INFO("started " << link.started_bytes << " bytes in " << link.started << " frames");
  CHECK(link.started_bytes <= cap * 10 + cap / 4 + link.biggest_frame);
  CHECK(link.started_bytes >= cap * 10 * 0.8);  // the cap, not something far below it
}

// On a fast link nothing queues: the cap alone must move the ladder, or the
// link would send rung 0's 30 KB frames a few a second instead of a smaller
// rung at the offered rate.
TEST_CASE("A bitrate cap below rung 0's rate moves a fast link down the ladder", "[peer][link_adapter]") {
  adapt_config cfg;
  cfg.max_bitrate = 1'000'000;
  simulated_link link(cfg, fast);
  link.run_for(10s);
  CHECK(link.adapter.rung_index() > 0);
  CHECK(link.adapter.predicted_rate(link.adapter.rung_index()) <= cfg.max_bitrate / 8.0);
}

TEST_CASE("A rung with fps_div 2 takes every other frame offered", "[peer][link_adapter]") {
  // 30 000 B/s: within its headroom the first rung that fits is the first at half the frame rate.
  simulated_link link({}, 30'000);
  REQUIRE(link.run_until([&] { return link.adapter.rung().fps_div == 2; }, 20s));
  link.reset_counts();
  // Where it settles: half of the frames offered are taken, all taken ones start.
  link.run_for(10s);
  const auto usual = link.usual_rung();
  REQUIRE(link.adapter.ladder()[usual].fps_div == 2);
  INFO("offered " << link.offered << ", taken " << link.taken << ", started " << link.started);
  CHECK(link.taken >= link.offered * 4 / 10);
  CHECK(link.taken <= link.offered * 6 / 10);

  // Offer by offer, with no reading between that could move the rung.
  REQUIRE(link.run_until([&] { return link.adapter.rung().fps_div == 2; }, 20s));
  auto& a = link.adapter;
  const auto picture = a.rung().picture;
  auto t = link.now;
  a.frame_started(t, frame_bytes(picture), picture);
  std::vector<bool> takes;
  for (int i = 0; i < 8; ++i) {
    t += frame_interval;
    const bool take = a.take_offered(t, true);
    takes.push_back(take);
    if (take) a.frame_started(t, frame_bytes(picture), picture);
  }
  CHECK(takes == std::vector<bool>{false, true, false, true, false, true, false, true});
}

TEST_CASE("The last rung takes one frame in its fps_div, counting frames not taken since the last sent",
          "[peer][link_adapter]") {
  // 10 000 B/s: within its headroom only the last rung fits (a quarter of the frames needs 9 000).
  simulated_link link({}, 10'000);
  const auto last = link.adapter.ladder().size() - 1;
  REQUIRE(link.run_until([&] { return link.adapter.rung_index() == last; }, 30s));
  auto& a = link.adapter;
  const int div = a.rung().fps_div;
  REQUIRE(div == 8);
  const auto picture = a.rung().picture;
  auto t = link.now;
  a.frame_started(t, frame_bytes(picture), picture);
  for (int frame = 0; frame < 3; ++frame) {
    for (int i = 1; i < div; ++i) {
      t += frame_interval;
      CHECK_FALSE(a.take_offered(t, true));
    }
    t += frame_interval;
    REQUIRE(a.take_offered(t, true));
    a.frame_started(t, frame_bytes(picture), picture);
  }
  // A frame taken but not started (the link was busy): the next one is taken too.
  for (int i = 1; i < div; ++i) CHECK_FALSE(a.take_offered(t += frame_interval, true));
  CHECK(a.take_offered(t += frame_interval, true));
  CHECK(a.take_offered(t += frame_interval, true));
}

TEST_CASE("Chunk bytes grow with the link's rate, within 2 KiB and 32 KiB", "[peer][link_adapter]") {
  CHECK(link_adapter({}).chunk_bytes() == 8 * 1024);  // not measured yet
  std::size_t previous = 0;
  std::map<double, std::size_t> chunk_at;
  for (const double rate : {10'000.0, 100'000.0, 250'000.0, 500'000.0, 1'000'000.0, 2'000'000.0, 5'000'000.0}) {
    // Readings of a link carrying `rate` with no queue: the adapter's rate is that.
    link_adapter a({});
    const auto t0 = sim_clock::time_point(std::chrono::hours(1));
    for (int i = 0; i <= 300; ++i) {
      chatnode::pacing::tcp_reading r;
      r.valid = true;
      r.bytes_acked = static_cast<std::uint64_t>(rate * i * seconds_of(step));
      r.rtt_us = r.min_rtt_us = min_rtt_us;
      a.observe(r, t0 + i * step);
    }
    INFO("rate " << rate << ": measured " << a.rate() << ", chunk " << a.chunk_bytes());
    CHECK(a.rate() == Approx(rate).epsilon(0.01));
    CHECK(a.chunk_bytes() >= 2 * 1024);
    CHECK(a.chunk_bytes() <= 32 * 1024);
    CHECK(a.chunk_bytes() >= previous);
    previous = a.chunk_bytes();
    chunk_at[rate] = a.chunk_bytes();
  }
  CHECK(chunk_at[10'000] == 2 * 1024);
  CHECK(chunk_at[1'000'000] > chunk_at[250'000]);
  CHECK(chunk_at[1'000'000] >= 14'000);  // about 15 ms of the link
  CHECK(chunk_at[1'000'000] <= 16'000);
  CHECK(chunk_at[5'000'000] == 32 * 1024);
}

TEST_CASE("Relayed frames do not teach the ladder frame sizes", "[peer][link_adapter]") {
  link_adapter a({});
  auto t = sim_clock::time_point(std::chrono::hours(1));
  for (int i = 0; i < 60; ++i) {
    t += frame_interval;
    // Our camera offers frames, so the frame rate is known...
    a.take_offered(t, true);
    // ...but only relayed frames start.
    if (a.take_offered(t, false)) a.frame_started(t, 40'000, video::not_ours);
  }
  REQUIRE(a.offered_fps() > 0);
  for (std::size_t i = 0; i < a.ladder().size(); ++i) CHECK(a.predicted_rate(i) == 0);

  // One frame of ours is enough to predict every rung.
  a.frame_started(t, 30'000, a.rung().picture);
  CHECK(a.predicted_rate(0) > 0);
  CHECK(a.predicted_rate(a.ladder().size() - 1) > 0);
  CHECK(a.predicted_rate(a.ladder().size() - 1) < a.predicted_rate(0));
}

TEST_CASE("A queue on the way back, which the round trip holds, moves no rung while pings show the way out clear",
          "[peer][link_adapter]") {
  // The peer's video keeps 300 ms queued towards us on an otherwise fast link.
  simulated_link link({}, fast);
  link.reverse_queue = 300ms;
  link.pings = true;
  // Until the first pong is back, a round trip later, the round trip alone
  // tells: frames may be held back then, as on any link.
  link.run_for(1s);
  link.reset_counts();
  link.run_for(20s);
  CHECK(link.steps_at_rung.size() == 1);
  CHECK(link.adapter.rung_index() == 0);
  CHECK(link.held_back == 0);

  // Without answered pings (a peer of an older version) only the round trip
  // tells, and it cannot tell the directions apart: the link gives way.
  simulated_link blind({}, fast);
  blind.reverse_queue = 300ms;
  blind.run_for(20s);
  CHECK(blind.held_back > 0);
}

TEST_CASE("With pings answered, a slow link still steps down to what it carries and keeps its queue short",
          "[peer][link_adapter]") {
  simulated_link link({}, slow);
  link.pings = true;
  link.run_for(10s);
  link.reset_counts();
  link.run_for(20s);
  const auto usual = link.usual_rung();
  REQUIRE(usual > 0);
  CHECK(link.adapter.predicted_rate(usual) <= slow);
  CHECK(link.started_bytes / 20.0 >= 0.5 * link_adapter::headroom * slow);
  // The pongs come a round trip late, so the queue may pass the budget by what
  // grows in that time; the frame started just before adds its own.
  const double bound_s = 2 * seconds_of(adapt_config{}.budget) + link.biggest_frame / slow;
  INFO("worst queue " << link.worst_queue_s * 1000 << " ms, bound " << bound_s * 1000 << " ms");
  CHECK(link.worst_queue_s <= bound_s);
}

TEST_CASE("A link is paced only once it has shown a queue, and only while our video goes out", "[peer][link_adapter]") {
  simulated_link quick({}, fast);
  quick.run_for(10s);
  CHECK(quick.adapter.pacing_rate() == 0);  // loopback and fast links: a frame leaves at once

  simulated_link link({}, slow);
  link.run_for(10s);
  REQUIRE(link.adapter.sends_video());
  const double pace = link.adapter.pacing_rate();
  INFO("pacing " << pace << " B/s, link " << link.adapter.rate() << " B/s");
  CHECK(pace >= link_adapter::pacing_gain * link.adapter.rate() * 0.999);
  CHECK(pace <= 2 * slow);
  auto& a = link.adapter;
  CHECK(a.pacing_rate_change().has_value());        // the first one is set
  CHECK_FALSE(a.pacing_rate_change().has_value());  // and not again while it holds

  // The camera stops: after video_idle nothing is paced and no queue moves the rung.
  const auto rung = a.rung_index();
  const auto stop = link.now;
  auto r = link.reading();
  r.rtt_us += 500'000;  // a queue of the peer's, say
  for (auto t = stop; t <= stop + link_adapter::video_idle + 100ms; t += step) a.observe(r, t);
  CHECK_FALSE(a.sends_video());
  CHECK(a.pacing_rate() == 0);
  CHECK(a.rung_index() == rung);
  const auto lifted = a.pacing_rate_change();
  REQUIRE(lifted.has_value());
  CHECK(*lifted == 0);
}
