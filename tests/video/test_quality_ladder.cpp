// video::make_ladder and its helpers, video::rendition_demand's tickets, and
// video::frame_set::pick: which renditions are encoded, and which one a link gets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "chatnode/video/encoded_frame.hpp"
#include "chatnode/video/quality_ladder.hpp"
#include "chatnode/video/rendition_demand.hpp"

namespace ladder_test {

namespace video = chatnode::video;
using video::degrade;
using video::rendition;
using video::rung;

constexpr degrade all_preferences[] = {degrade::balanced, degrade::maintain_framerate, degrade::maintain_resolution};

/// What a rung costs relative to rung 0 of quality 90: bytes a frame over frames skipped.
double cost(const rung& r) { return video::relative_size(r.picture) / r.fps_div; }

video::frame_ptr frame_in(const rendition& r, std::uint32_t seq) {
  return std::make_shared<const video::encoded_frame>(seq, 0, 640, 480, "me", std::vector<std::uint8_t>(100, 0xff),
                                                      video::stage_times{}, r);
}

}  // namespace ladder_test

using namespace ladder_test;

TEST_CASE("Rung 0 of every ladder is the quality asked for at full size and full rate", "[video][ladder]") {
  for (const auto preference : all_preferences) {
    for (const int top : {100, 90, 75, 50, 30}) {
      INFO("preference " << static_cast<int>(preference) << ", top quality " << top);
      const auto ladder = video::make_ladder(preference, top);
      REQUIRE_FALSE(ladder.empty());
      CHECK(ladder.front() == rung{{top, 1}, 1});
      for (const auto& r : ladder) CHECK(r.picture.quality <= top);
    }
  }
}

TEST_CASE("Every rung of a ladder costs less than the one above it", "[video][ladder]") {
  for (const auto preference : all_preferences) {
    for (const int top : {100, 95, 90, 80, 75, 60, 50, 30}) {
      INFO("preference " << static_cast<int>(preference) << ", top quality " << top);
      const auto ladder = video::make_ladder(preference, top);
      for (std::size_t i = 1; i < ladder.size(); ++i) {
        INFO("rung " << i);
        CHECK(cost(ladder[i]) < cost(ladder[i - 1]));
      }
    }
  }
}

TEST_CASE("Maintain-resolution never makes the picture smaller", "[video][ladder]") {
  for (const int top : {90, 50}) {
    const auto ladder = video::make_ladder(degrade::maintain_resolution, top);
    for (const auto& r : ladder) CHECK(r.picture.scale_div == 1);
    CHECK(ladder.back().fps_div > 1);  // it gives way in frame rate instead
  }
}

TEST_CASE("Maintain-framerate never sends fewer frames", "[video][ladder]") {
  for (const int top : {90, 50}) {
    const auto ladder = video::make_ladder(degrade::maintain_framerate, top);
    for (const auto& r : ladder) CHECK(r.fps_div == 1);
    CHECK(ladder.back().picture.scale_div > 1);  // it gives way in size instead
  }
}

TEST_CASE("Balanced lowers the quality first, then the size, then the frame rate", "[video][ladder]") {
  const auto ladder = video::make_ladder(degrade::balanced, 90);
  REQUIRE(ladder.size() > 2);
  // Quality at full size and rate, highest first.
  std::size_t i = 1;
  for (; i < ladder.size() && ladder[i].picture.scale_div == 1; ++i) {
    CHECK(ladder[i].fps_div == 1);
    CHECK(ladder[i].picture.quality < ladder[i - 1].picture.quality);
  }
  CHECK(i >= 3);  // more than one lower quality before any smaller picture
  // Then smaller pictures, at full rate.
  REQUIRE(i < ladder.size());
  const std::size_t first_smaller = i;
  for (; i < ladder.size() && ladder[i].fps_div == 1; ++i)
    CHECK(ladder[i].picture.scale_div >= ladder[i - 1].picture.scale_div);
  CHECK(i > first_smaller);
  // Then fewer frames, at the smallest size, never more frames again.
  REQUIRE(i < ladder.size());
  for (; i < ladder.size(); ++i) {
    CHECK(ladder[i].picture == ladder.back().picture);
    CHECK(ladder[i].fps_div > ladder[i - 1].fps_div);
  }
}

TEST_CASE("A top quality of 50 or less has no lower quality rungs at full size", "[video][ladder]") {
  for (const auto preference : all_preferences) {
    for (const int top : {50, 40, 10}) {
      INFO("preference " << static_cast<int>(preference) << ", top quality " << top);
      const auto ladder = video::make_ladder(preference, top);
      for (std::size_t i = 1; i < ladder.size(); ++i) {
        CHECK(ladder[i].picture.quality == top);
        CHECK(ladder[i].picture.scale_div * ladder[i].fps_div > 1);
      }
    }
  }
}

TEST_CASE("parse_degrade accepts the three preference names and refuses anything else", "[video][ladder]") {
  degrade out = degrade::maintain_framerate;
  CHECK(video::parse_degrade("balanced", out));
  CHECK(out == degrade::balanced);
  CHECK(video::parse_degrade("maintain-resolution", out));
  CHECK(out == degrade::maintain_resolution);
  CHECK(video::parse_degrade("maintain-framerate", out));
  CHECK(out == degrade::maintain_framerate);
  for (const char* bad : {"", "Balanced", "maintain_framerate", "maintain-framerate ", "resolution", "fast"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(video::parse_degrade(bad, out));
    CHECK(out == degrade::maintain_framerate);  // untouched
  }
}

TEST_CASE("relative_size is 1 for quality 90 at full size and shrinks with quality and size", "[video][ladder]") {
  CHECK(video::relative_size({90, 1}) == Approx(1));
  CHECK(video::relative_size({100, 1}) > 1);
  CHECK(video::relative_size({75, 1}) < video::relative_size({90, 1}));
  CHECK(video::relative_size({50, 1}) < video::relative_size({75, 1}));
  CHECK(video::relative_size({90, 2}) < video::relative_size({90, 1}));
  // A quarter of the pixels keeps more than a quarter of the bytes.
  CHECK(video::relative_size({90, 2}) > 0.25);
  CHECK(video::relative_size({90, 4}) < video::relative_size({90, 2}));
}

TEST_CASE("scaled_side is even and at least 2", "[video][ladder]") {
  CHECK(video::scaled_side(640, 1) == 640);
  CHECK(video::scaled_side(640, 2) == 320);
  CHECK(video::scaled_side(1280, 4) == 320);
  CHECK(video::scaled_side(720, 4) == 180);
  CHECK(video::scaled_side(641, 1) == 640);
  CHECK(video::scaled_side(646, 4) == 160);
  CHECK(video::scaled_side(3, 4) == 2);
  for (int full = 1; full <= 1000; ++full) {
    for (const int div : {1, 2, 4, 8}) {
      INFO(full << " / " << div);
      const int side = video::scaled_side(full, div);
      CHECK(side % 2 == 0);
      CHECK(side >= 2);
      CHECK(side <= std::max(2, full / div));
      CHECK(side >= full / div - 1);
    }
  }
}

//------------------------------------------------------------------------------

TEST_CASE("Nothing is wanted while no ticket is held", "[video][demand]") {
  video::rendition_demand demand;
  CHECK(demand.wanted().empty());
  { const auto t = demand.want({90, 1}); }
  CHECK(demand.wanted().empty());
}

TEST_CASE("Each rendition wanted is listed once, biggest first", "[video][demand]") {
  video::rendition_demand demand;
  const auto a = demand.want({50, 4});
  const auto b = demand.want({90, 1});
  const auto c = demand.want({75, 2});
  const auto d = demand.want({90, 1});
  const auto e = demand.want({50, 4});
  CHECK(demand.wanted() == std::vector<rendition>{{90, 1}, {75, 2}, {50, 4}});
}

TEST_CASE("A ticket's change moves its want to the new rendition", "[video][demand]") {
  video::rendition_demand demand;
  auto t = demand.want({90, 1});
  auto other = demand.want({90, 1});
  t.change({50, 2});
  CHECK(demand.wanted() == std::vector<rendition>{{90, 1}, {50, 2}});
  other.change({50, 2});
  CHECK(demand.wanted() == std::vector<rendition>{{50, 2}});
  t.change({50, 2});  // the same again: nothing moves
  CHECK(demand.wanted() == std::vector<rendition>{{50, 2}});
  t.release();
  CHECK(demand.wanted() == std::vector<rendition>{{50, 2}});
  t.change({90, 1});  // released: wants nothing any more
  CHECK(demand.wanted() == std::vector<rendition>{{50, 2}});
  other.release();
  CHECK(demand.wanted().empty());
}

TEST_CASE("A moved-from ticket releases nothing", "[video][demand]") {
  video::rendition_demand demand;
  auto first = demand.want({75, 1});
  auto second = std::move(first);
  CHECK_FALSE(first);
  CHECK(second);
  first.release();
  first.change({50, 4});
  CHECK(demand.wanted() == std::vector<rendition>{{75, 1}});
  {
    auto third = std::move(second);
    second.release();
    CHECK(demand.wanted() == std::vector<rendition>{{75, 1}});
  }
  CHECK(demand.wanted().empty());
}

TEST_CASE("A ticket moved onto another releases the one it replaces", "[video][demand]") {
  video::rendition_demand demand;
  auto t = demand.want({90, 1});
  auto u = demand.want({50, 4});
  t = std::move(u);
  CHECK(demand.wanted() == std::vector<rendition>{{50, 4}});
  CHECK_FALSE(u);
  auto* same = &t;
  t = std::move(*same);  // onto itself: still holds its want
  CHECK(demand.wanted() == std::vector<rendition>{{50, 4}});
  t = video::rendition_demand::ticket{};
  CHECK(demand.wanted().empty());
}

TEST_CASE("Release and destruction release a ticket's want once", "[video][demand]") {
  video::rendition_demand demand;
  auto keeper = demand.want({90, 1});
  {
    auto t = demand.want({90, 1});
    t.release();
    t.release();
    CHECK_FALSE(t);
    CHECK(demand.wanted() == std::vector<rendition>{{90, 1}});  // keeper's want stays
  }                                                             // destroyed after release: nothing more
  CHECK(demand.wanted() == std::vector<rendition>{{90, 1}});
  { const auto t = demand.want({75, 2}); }
  CHECK(demand.wanted() == std::vector<rendition>{{90, 1}});
  keeper.release();
  CHECK(demand.wanted().empty());
}

TEST_CASE("Tickets wanted, changed and released from several threads leave nothing wanted", "[video][demand]") {
  video::rendition_demand demand;
  const std::vector<rendition> renditions{{90, 1}, {75, 1}, {75, 2}, {50, 2}, {50, 4}};
  auto held = demand.want({60, 1});
  std::atomic<int> empty_seen{0};  // Catch2's assertions are for the test's own thread only
  std::vector<std::thread> threads;
  for (std::size_t n = 0; n < 4; ++n) {
    threads.emplace_back([&, n] {
      std::vector<video::rendition_demand::ticket> kept;
      for (std::size_t i = 0; i < 1000; ++i) {
        auto t = demand.want(renditions[(n + i) % renditions.size()]);
        t.change(renditions[(n + 2 * i) % renditions.size()]);
        if (i % 3 == 0)
          t.release();
        else if (i % 3 == 1)
          kept.push_back(std::move(t));                            // released when the thread ends
        if (i % 50 == 0 && demand.wanted().empty()) ++empty_seen;  // `held` stays wanted throughout
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(empty_seen == 0);
  CHECK(demand.wanted() == std::vector<rendition>{{60, 1}});
  held.release();
  CHECK(demand.wanted().empty());
}

//------------------------------------------------------------------------------

TEST_CASE("frame_set::pick gives the rendition asked for when it is there", "[video][frame_set]") {
  const video::frame_set set({frame_in({90, 1}, 1), frame_in({75, 2}, 2), frame_in({50, 4}, 3)});
  CHECK(set.own());
  CHECK(set.pick({90, 1})->seq() == 1);
  CHECK(set.pick({75, 2})->seq() == 2);
  CHECK(set.pick({50, 4})->seq() == 3);
  CHECK(set.biggest()->seq() == 1);
}

TEST_CASE("frame_set::pick gives the biggest smaller rendition when the one asked for is not there",
          "[video][frame_set]") {
  const video::frame_set set({frame_in({90, 1}, 1), frame_in({75, 2}, 2), frame_in({50, 4}, 3)});
  CHECK(set.pick({60, 1})->seq() == 2);  // q60 full size is bigger than q75 at half
  CHECK(set.pick({50, 2})->seq() == 3);
  CHECK(set.pick({100, 1})->seq() == 1);
}

TEST_CASE("frame_set::pick gives the smallest rendition when all are bigger than the one asked for",
          "[video][frame_set]") {
  const video::frame_set set({frame_in({90, 1}, 1), frame_in({75, 2}, 2)});
  CHECK(set.pick({50, 4})->seq() == 2);
  CHECK(set.pick({1, 8})->seq() == 2);
}

TEST_CASE("frame_set::pick gives a relayed set's one frame whatever is asked", "[video][frame_set]") {
  const video::frame_set set({frame_in(video::not_ours, 7)});
  CHECK_FALSE(set.own());
  for (const rendition r : {rendition{90, 1}, rendition{50, 4}, video::not_ours}) CHECK(set.pick(r)->seq() == 7);
}
