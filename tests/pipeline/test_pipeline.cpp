// The whole video pipeline in one process, on real loopback sockets: capture
// thread -> encode -> sessions -> TCP -> reassembly -> decode thread -> sinks.
// Every received frame is compared with the image its sender captured.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include <opencv2/core.hpp>

#include "chatnode/app/node.hpp"
#include "chatnode/video/frame_source.hpp"

namespace {

using namespace std::chrono_literals;
namespace video = chatnode::video;

/// A test pattern that remembers every image it gave out, by sequence number.
class recording_source final : public video::frame_source {
 public:
  recording_source(int w, int h, std::string name) : inner_(video::make_test_pattern(w, h, std::move(name))) {}
  bool grab(cv::Mat& frame) override {
    if (!inner_->grab(frame)) return false;
    std::lock_guard lock(mutex_);
    // The capture thread numbers frames 1, 2, ... in grab order.
    if (images_.size() < max_kept) images_[++grabbed_] = frame.clone();
    return true;
  }
  std::string describe() const override { return "recording " + inner_->describe(); }
  cv::Mat original(std::uint32_t seq) {
    std::lock_guard lock(mutex_);
    auto it = images_.find(seq);
    return it == images_.end() ? cv::Mat() : it->second;
  }
  static constexpr std::size_t max_kept = 600;

 private:
  std::unique_ptr<video::frame_source> inner_;
  std::mutex mutex_;
  std::uint32_t grabbed_ = 0;
  std::map<std::uint32_t, cv::Mat> images_;
};

/// Keeps the first frames it is given, and lets the test wait for them.
class collecting_sink final : public video::frame_sink {
 public:
  struct frame {
    std::uint32_t seq;
    cv::Mat image;
  };
  void consume(const video::decoded_frame& f) override {
    std::lock_guard lock(mutex_);
    if (frames_.size() < 60) frames_.push_back({f.header.frame_seq, f.image.clone()});
    changed_.notify_all();
  }
  void peer_closed(int) override {}
  std::vector<frame> wait_for(std::size_t n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return frames_.size() >= n; });
    return frames_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<frame> frames_;
};

chatnode::options parse(std::vector<const char*> args) {
  args.insert(args.begin(), "chat_node");
  std::ostringstream ignored;
  auto o = chatnode::parse_options(static_cast<int>(args.size()), args.data(), ignored);
  REQUIRE(o);
  return *o;
}

/// A node on its own thread, its console going to temporary files.
struct running_node {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  chatnode::term::console console{out, err};
  recording_source* source = nullptr;  // owned by the node's capture thread
  std::shared_ptr<collecting_sink> sink = std::make_shared<collecting_sink>();
  std::unique_ptr<chatnode::app::node> node;
  std::thread thread;
  int exit_code = -1;

  running_node(const chatnode::options& o, int w, int h) {
    auto src = std::make_unique<recording_source>(w, h, o.name);
    source = src.get();
    chatnode::app::node_hooks hooks;
    hooks.interactive = false;
    hooks.source = std::move(src);
    hooks.sinks = {sink};
    node = std::make_unique<chatnode::app::node>(o, console, std::move(hooks));
    thread = std::thread([this] { exit_code = node->run(); });
  }
  ~running_node() {
    node->quit();
    thread.join();
    node.reset();
    console.drain(std::chrono::seconds(10));  // its writer must be done with the files before they close
    std::fclose(out);
    std::fclose(err);
  }
};

double psnr_against_original(recording_source& src, const collecting_sink::frame& f) {
  const auto original = src.original(f.seq);
  REQUIRE(!original.empty());
  REQUIRE(original.size() == f.image.size());
  return cv::PSNR(original, f.image);
}

}  // namespace

TEST_CASE("two nodes stream test patterns both ways and every frame matches what its sender captured",
          "[pipeline][video]") {
  running_node alice(parse({"--listen", "127.0.0.1:0", "--name", "alice", "--size", "640x480", "--fps", "30"}), 640,
                     480);
  const auto port = std::to_string(alice.node->listening_port());
  running_node bob(
      parse({"--connect", ("127.0.0.1:" + port).c_str(), "--name", "bob", "--size", "320x240", "--fps", "30"}), 320,
      240);

  constexpr std::size_t wanted = 20;
  const auto at_bob = bob.sink->wait_for(wanted, 60s);
  const auto at_alice = alice.sink->wait_for(wanted, 60s);
  REQUIRE(at_bob.size() >= wanted);
  REQUIRE(at_alice.size() >= wanted);

  for (const auto& f : at_bob) {
    CHECK(f.image.cols == 640);
    CHECK(f.image.rows == 480);
    CHECK(psnr_against_original(*alice.source, f) > 30.0);
  }
  for (const auto& f : at_alice) {
    CHECK(f.image.cols == 320);
    CHECK(f.image.rows == 240);
    CHECK(psnr_against_original(*bob.source, f) > 30.0);
  }
  // Frames arrive in the order they were captured (some may be skipped: latest wins).
  for (std::size_t i = 1; i < at_bob.size(); ++i) CHECK(at_bob[i].seq > at_bob[i - 1].seq);

  const auto peers = bob.node->peers();
  REQUIRE(peers.size() == 1);
  const auto& st = *peers.front()->stats();
  CHECK(st.frames_decoded.load() >= wanted);
  CHECK(st.frames_undecodable.load() == 0);
  CHECK(st.rtt_us.load() >= 0);
  CHECK(st.latency_us.size() >= wanted);
}
