// video::capture_thread: each image in the renditions wanted, once each, and
// no capture at all (the source released) while nobody watches.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "chatnode/video/capture_thread.hpp"
#include "chatnode/video/test_pattern.hpp"

namespace video = chatnode::video;
using namespace std::chrono_literals;

namespace {

/// The test pattern, counting what the capture thread does with it.
class counting_source final : public video::frame_source {
 public:
  bool grab(cv::Mat& frame) override {
    pattern_.draw(frame, grabs.fetch_add(1), std::chrono::system_clock::now());
    return true;
  }
  std::string describe() const override { return "counting test pattern"; }
  void release() override { ++releases; }
  bool reacquire() override {
    ++reacquires;
    return true;
  }

  std::atomic<std::uint64_t> grabs{0};
  std::atomic<int> releases{0}, reacquires{0};

 private:
  video::test_pattern pattern_{64, 48, "capture"};
};

/// What the capture thread hands out and asks, as a test sees it.
struct observer {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<video::rendition> wanted;  // guarded by mutex
  std::vector<video::frame_set_ptr> sets;
  std::vector<bool> watched;
  int asked = 0;  ///< times the capture thread asked what is wanted

  video::capture_hooks hooks() {
    return {[this] {
              std::lock_guard lock(mutex);
              ++asked;
              changed.notify_all();
              return wanted;
            },
            [this](video::frame_set_ptr s) {
              std::lock_guard lock(mutex);
              sets.push_back(std::move(s));
              changed.notify_all();
            },
            [](const std::string& e) { FAIL_CHECK("capture failed: " << e); },
            [this](bool w) {
              std::lock_guard lock(mutex);
              watched.push_back(w);
              changed.notify_all();
            }};
  }
  void want(std::vector<video::rendition> w) {
    std::lock_guard lock(mutex);
    wanted = std::move(w);
  }
  /// Waits (bounded) until `done` holds under the lock.
  template <class Pred>
  bool wait(Pred done) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return done(); });
  }
};

video::capture_config config() {
  video::capture_config cfg;
  cfg.fps = 100;
  cfg.fps_given = true;
  cfg.size = {64, 48};
  cfg.origin = "capture";
  return cfg;
}

}  // namespace

TEST_CASE("each image is encoded once per rendition wanted, biggest first, at its size and quality",
          "[video][capture]") {
  observer o;
  o.want({{90, 1}, {50, 2}});
  auto source = std::make_unique<counting_source>();
  video::capture_thread capture(std::move(source), video::make_turbojpeg_codec(), config(), o.hooks());
  REQUIRE(o.wait([&] { return o.sets.size() >= 3; }));

  std::lock_guard lock(o.mutex);
  auto codec = video::make_turbojpeg_codec();
  for (const auto& set : o.sets) {
    REQUIRE(set->frames().size() == 2);
    CHECK(set->own());
    const auto& full = set->frames()[0];
    const auto& half = set->frames()[1];
    CHECK(full->encoding() == video::rendition{90, 1});
    CHECK(half->encoding() == video::rendition{50, 2});
    CHECK(full->seq() == half->seq());  // one image, two renditions
    CHECK(full->width() == 64);
    CHECK(full->height() == 48);
    CHECK(half->width() == 32);
    CHECK(half->height() == 24);
    cv::Mat decoded;
    REQUIRE_FALSE(codec->decode(half->jpeg(), decoded));
    CHECK(decoded.cols == 32);
    CHECK(decoded.rows == 24);
    CHECK(half->jpeg().size() < full->jpeg().size());
  }
}

TEST_CASE("with nobody watching capture pauses and releases the source, and resumes when someone wants video",
          "[video][capture]") {
  observer o;  // wants nothing yet
  auto source = std::make_unique<counting_source>();
  auto& counts = *source;
  video::capture_thread capture(std::move(source), video::make_turbojpeg_codec(), config(), o.hooks());
  REQUIRE(o.wait([&] { return o.watched.size() == 1; }));
  CHECK(o.watched[0] == false);
  CHECK(capture.paused());
  CHECK(counts.releases == 1);
  // Paused, it only asks again and again whether someone watches: nothing is grabbed or encoded.
  const auto grabs_paused = counts.grabs.load();
  int asked_paused = 0;
  {
    std::lock_guard lock(o.mutex);
    asked_paused = o.asked;
  }
  REQUIRE(o.wait([&] { return o.asked >= asked_paused + 5; }));
  CHECK(counts.grabs == grabs_paused);
  CHECK(o.sets.empty());

  o.want({{90, 1}});
  REQUIRE(o.wait([&] { return o.sets.size() >= 2; }));
  CHECK(counts.reacquires == 1);
  CHECK_FALSE(capture.paused());
  {
    std::lock_guard lock(o.mutex);
    REQUIRE(o.watched.size() == 2);
    CHECK(o.watched[1] == true);
  }

  // Nobody again: paused once more.
  o.want({});
  REQUIRE(o.wait([&] { return o.watched.size() == 3; }));
  CHECK(o.watched[2] == false);
  CHECK(counts.releases == 2);
}
