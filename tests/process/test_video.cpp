// Video between real chat_node processes: file sources, recording, saving,
// backpressure from a peer that stops reading, text during heavy video.
#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "support/child_process.hpp"
#include "support/paths.hpp"
#include "support/stats_table.hpp"
#include "support/temp_dir.hpp"

using namespace test_support;
using stream = child_process::stream;
namespace fs = std::filesystem;

namespace {

/// Resident memory of a process, in KiB, from /proc.
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return -1;
}

/// Waits until `p` has decoded at least `n` frames from `peer`; returns how many it had.
long wait_for_frames(child_process& p, const std::string& peer, long n) {
  return wait_for_stat(p, peer, frames_received_col, [n](long v) { return v >= n; });
}

cv::Mat clip_frame(int i) {
  cv::Mat m(120, 160, CV_8UC3, cv::Scalar(40 * (i % 5), 255 - 15 * i, 10 * i));
  cv::putText(m, std::to_string(i), {50, 80}, cv::FONT_HERSHEY_SIMPLEX, 2, cv::Scalar(255, 255, 255), 3);
  return m;
}

}  // namespace

TEST_CASE("a video file is streamed, looped, at its own size", "[process][video]") {
  temp_dir dir;
  constexpr int clip_frames = 15;
  const auto clip = (dir.path / "clip.avi").string();
  {
    cv::VideoWriter w(clip, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 15, {160, 120});
    REQUIRE(w.isOpened());
    for (int i = 0; i < clip_frames; ++i) w.write(clip_frame(i));
  }
  const auto saved = dir.path / "received";
  auto alice = start_listener("alice", {"--test-pattern", "--save-frames", saved.string()});
  auto bob = start_connector(alice.port, "bob", {"--video", clip, "--scale", "1", "--fps", "60"});
  // Its own 15 frames a second, --fps 60 notwithstanding: a file is not played faster than it was made.
  REQUIRE(bob->wait_for(stream::err, "sending video from video " + clip + " (160x120, 15 fps), 15 frames a second"));

  // More than one pass through the clip: the file source loops.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::size_t files = 0;
  while (files < 2 * clip_frames && std::chrono::steady_clock::now() < deadline) {
    alice.process->wait_for(stream::out, "never printed", 200ms);
    files = fs::exists(saved)
                ? static_cast<std::size_t>(std::distance(fs::directory_iterator(saved), fs::directory_iterator()))
                : 0;
  }
  REQUIRE(files >= 2 * clip_frames);

  // Every received frame is one of the clip's frames, at the clip's size.
  int checked = 0;
  for (const auto& e : fs::directory_iterator(saved)) {
    const auto img = cv::imread(e.path().string());
    REQUIRE(img.cols == 160);
    REQUIRE(img.rows == 120);
    double best = 0;
    for (int i = 0; i < clip_frames; ++i) best = std::max(best, cv::PSNR(img, clip_frame(i)));
    CHECK(best > 25.0);  // JPEG twice (in the clip, then by the sender)
    if (++checked == 40) break;
  }
}

TEST_CASE("a file is received at its own frame rate, looped, and at the lower rate --fps gives", "[process][video]") {
  // {the clip's rate, --fps (0: not given), the rate expected at the receiver}
  const auto [clip_fps, fps, expected] = GENERATE(table<int, int, double>({{10, 0, 10.0}, {30, 15, 15.0}}));
  temp_dir dir;
  const auto clip = (dir.path / "clip.avi").string();
  {
    // Shorter than the measurement below, so that it also covers the loop back to the start.
    cv::VideoWriter w(clip, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), clip_fps, {160, 120});
    REQUIRE(w.isOpened());
    for (int i = 0; i < clip_fps; ++i) w.write(clip_frame(i));
  }
  auto alice = start_listener("alice", {"--receive-only"});
  std::vector<std::string> args{"--video", clip, "--scale", "1"};
  if (fps > 0) args.insert(args.end(), {"--fps", std::to_string(fps)});
  auto bob = start_connector(alice.port, "bob", args);
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  wait_for_frames(*alice.process, "bob", 5);

  // Frames received over a measured interval of several seconds, as the
  // receiver counts them: the sender's pacing, not the machine's speed.
  using clock = std::chrono::steady_clock;
  const long before = stats_value(*alice.process, "bob", frames_received_col);
  const auto from = clock::now();
  alice.process->wait_for(stream::out, "never printed", 5s);
  const long after = stats_value(*alice.process, "bob", frames_received_col);
  const double seconds = std::chrono::duration<double>(clock::now() - from).count();
  const double rate = static_cast<double>(after - before) / seconds;
  INFO(after - before << " frames in " << seconds << " s from a " << clip_fps << " fps clip, --fps " << fps);
  CHECK(rate == Approx(expected).epsilon(0.1));
}

TEST_CASE("received video is recorded to AVI and saved as JPEG files that OpenCV reads back", "[process][video]") {
  temp_dir dir;
  const auto avi = (dir.path / "peer.avi").string();
  const auto frames = dir.path / "frames";
  auto alice = start_listener("alice", {"--test-pattern", "--record", avi, "--save-frames", frames.string()});
  auto bob = start_connector(alice.port, "bob", {"--test-pattern", "--size", "320x240", "--fps", "30"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));

  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::size_t saved = 0;
  while (saved < 30 && std::chrono::steady_clock::now() < deadline) {
    alice.process->wait_for(stream::out, "never printed", 200ms);
    saved = fs::exists(frames)
                ? static_cast<std::size_t>(std::distance(fs::directory_iterator(frames), fs::directory_iterator()))
                : 0;
  }
  REQUIRE(saved >= 30);
  bob->write_stdin("/quit\n");
  REQUIRE(bob->wait_exit() == 0);
  REQUIRE(alice.process->wait_for(stream::out, "bob (127.0.0.1:"));
  alice.process->write_stdin("/quit\n");
  REQUIRE(alice.process->wait_exit() == 0);

  cv::VideoCapture cap(avi);
  REQUIRE(cap.isOpened());
  int read = 0;
  for (cv::Mat m; read < 1000 && cap.read(m); ++read) {
    CHECK(m.cols == 320);
    CHECK(m.rows == 240);
  }
  CHECK(read >= 30);
  for (const auto& e : fs::directory_iterator(frames)) {
    CHECK(e.path().filename().string().starts_with("peer1-"));
    const auto img = cv::imread(e.path().string());
    CHECK(img.cols == 320);
  }
}

TEST_CASE("a peer that stops reading costs the sender dropped frames, not memory, and loses no text",
          "[process][video][backpressure]") {
  // AddressSanitizer holds freed blocks in a quarantine (256 MB by default) that
  // would read as growth here; a small one makes the measure mean the same in every build.
  const char* asan = std::getenv("ASAN_OPTIONS");
  ::setenv("ASAN_OPTIONS", ((asan ? std::string(asan) + ":" : std::string()) + "quarantine_size_mb=8").c_str(), 1);
  auto alice = start_listener("alice", {"--test-pattern", "--size", "1280x720", "--fps", "0"});
  // bob sends a trickle but wants alice's video, which comes as fast as she can make it.
  auto bob = start_connector(alice.port, "bob", {"--test-pattern", "--size", "160x120", "--fps", "1"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  REQUIRE(bob->wait_for(stream::out, "* alice ("));
  // Let the stream reach its pace, then take the sender's measure.
  REQUIRE(wait_for_frames(*bob, "alice", 20) >= 20);
  const long rss_before = rss_kib(alice.process->pid());
  const long dropped_before = stats_value(*alice.process, "bob", dropped_col);

  bob->signal(SIGSTOP);  // bob's process stops reading its socket
  constexpr int lines = 100;
  for (int i = 0; i < lines; ++i) alice.process->write_stdin("while you were away " + std::to_string(i) + "\n");
  // Until the kernel's buffers are full and frames are dropped: seconds in a
  // release build, longer when the sanitizers slow the encoder down.
  long dropped_stalled = dropped_before;
  for (int i = 0; i < 60 && dropped_stalled <= dropped_before; ++i) {
    alice.process->wait_for(stream::out, "never printed", 1s);
    dropped_stalled = stats_value(*alice.process, "bob", dropped_col);
  }
  const long rss_stalled = rss_kib(alice.process->pid());
  bob->signal(SIGCONT);

  INFO("sender RSS before " << rss_before << " KiB, while the peer was stopped " << rss_stalled << " KiB");
  CHECK(rss_stalled - rss_before < 64 * 1024);
  CHECK(dropped_stalled > dropped_before);

  REQUIRE(bob->wait_for_count(
              stream::out,
              [](const std::string& l) { return l.find("] alice: while you were away ") != std::string::npos; },
              lines) == lines);
  const std::regex re("\\] alice: while you were away ([0-9]+)$");
  int expected = 0;
  std::smatch m;
  for (const auto& l : bob->lines(stream::out))
    if (std::regex_search(l, m, re)) CHECK(std::stoi(m[1]) == expected++);
  CHECK(expected == lines);
}

TEST_CASE("text arrives in order while the largest video streams at full rate", "[process][video]") {
  auto alice = start_listener("alice", {"--test-pattern", "--size", "1920x1080", "--fps", "0"});
  auto bob = start_connector(alice.port, "bob", {"--test-pattern", "--size", "1920x1080", "--fps", "0"});
  REQUIRE(alice.process->wait_for(stream::out, "* bob ("));
  REQUIRE(wait_for_frames(*alice.process, "bob", 5) >= 5);
  REQUIRE(wait_for_frames(*bob, "alice", 5) >= 5);
  const long frames_before = stats_value(*alice.process, "bob", frames_received_col);
  constexpr int lines = 200;
  std::string burst;
  for (int i = 0; i < lines; ++i) burst += "under load " + std::to_string(i) + "\n";
  bob->write_stdin(burst);
  alice.process->write_stdin(burst);
  CHECK(alice.process->wait_for_count(
            stream::out, [](const std::string& l) { return l.find("] bob: under load ") != std::string::npos; },
            lines) == lines);
  CHECK(bob->wait_for_count(
            stream::out, [](const std::string& l) { return l.find("] alice: under load ") != std::string::npos; },
            lines) == lines);
  const std::regex re("\\] bob: under load ([0-9]+)$");
  int expected = 0;
  std::smatch m;
  for (const auto& l : alice.process->lines(stream::out))
    if (std::regex_search(l, m, re)) CHECK(std::stoi(m[1]) == expected++);
  // Video kept flowing meanwhile.
  CHECK(wait_for_frames(*alice.process, "bob", frames_before + 5) >= frames_before + 5);
}

TEST_CASE("The option --display without a display says so and carries on headless", "[process][video]") {
  ::unsetenv("DISPLAY");
  auto alice = start_listener("alice", {"--test-pattern", "--display"});
  CHECK(alice.process->wait_for(stream::err, "carrying on without --display"));
  auto bob = start_connector(alice.port, "bob", {"--test-pattern"});
  bob->write_stdin("can you see me\n");
  CHECK(alice.process->wait_for(stream::out, "] bob: can you see me"));
}

TEST_CASE("a node with no camera falls back to the test pattern and says so", "[process][video]") {
  auto alice = start_listener("alice");
  CHECK(alice.process->wait_for(stream::err, "sending the test pattern instead"));
}

TEST_CASE("without its videoio module chat_node refuses a file, says why, and still sends the test pattern",
          "[process][video]") {
  temp_dir dir;
  // The program alone, away from the module that sits beside it in the build tree.
  const auto alone = dir.path / "chat_node";
  fs::copy_file(chat_node_binary(), alone);
  const auto clip = (dir.path / "clip.avi").string();
  child_process with_file({alone.string(), "--listen", "127.0.0.1:0", "--no-stdin", "--video", clip});
  CHECK(with_file.wait_for(stream::err,
                           "the video module chat_node-videoio.so is missing (looked in " + dir.path.string()));
  CHECK(with_file.wait_exit() == 1);
  child_process with_pattern({alone.string(), "--listen", "127.0.0.1:0", "--no-stdin", "--test-pattern"});
  CHECK(with_pattern.wait_for(stream::err, "listening on"));
}
