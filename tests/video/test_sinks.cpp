// The sinks of received video: AVI recorder, frame saver, display window.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

extern "C" {
#include <libavformat/avformat.h>
}

#include "chatnode/video/avi_recorder.hpp"
#include "chatnode/video/decoded_frame.hpp"
#include "chatnode/video/display_window.hpp"
#include "chatnode/video/frame_saver.hpp"

#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using chatnode::video::avi_recorder;
using chatnode::video::decoded_frame;
using chatnode::video::display_window;
using chatnode::video::frame_saver;

// Qt's offscreen platform (used below) leaks a font cache from libfontconfig
// once per process: not ours to fix, and it would fail every sanitizer run.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace {

using bytes = std::vector<std::uint8_t>;

constexpr double fps = 15;
constexpr std::uint64_t epoch_us = 1'700'000'000'000'000;  // a plausible wall clock

/// Sets (or with nullptr unsets) an environment variable until the end of the scope.
class env_override {
 public:
  env_override(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~env_override() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

/// Frame `seq` of `peer`: a flat colour with a rectangle that moves with seq,
/// JPEG-encoded by OpenCV, captured at slot `slot` of a `fps` clock.
decoded_frame make_frame(int peer, std::uint32_t seq, int width = 320, int height = 240,
                         std::optional<std::int64_t> slot = {}) {
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(40, 90, 30 * peer));
  const cv::Rect box(static_cast<int>(seq * 9) % (width - 40), static_cast<int>(seq * 5) % (height - 30), 40, 30);
  cv::rectangle(image, box, cv::Scalar(250, 240, 230), cv::FILLED);
  std::vector<uchar> jpeg;
  REQUIRE(cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85}));

  decoded_frame f;
  f.peer = peer;
  f.peer_name = "../../etc/evil name";  // must never become a file name
  f.header.frame_seq = seq;
  f.header.total_bytes = static_cast<std::uint32_t>(jpeg.size());
  f.header.capture_us = epoch_us + static_cast<std::uint64_t>(slot.value_or(seq) * 1'000'000 / fps);
  f.header.width = static_cast<std::uint16_t>(width);
  f.header.height = static_cast<std::uint16_t>(height);
  f.header.origin = f.peer_name;
  f.jpeg = std::make_shared<const bytes>(jpeg.begin(), jpeg.end());
  f.image = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  return f;
}

struct packet_info {
  bytes data;
  std::int64_t pts;
};

/// The non-empty packets of `path` as libavformat demuxes them, pts in frame periods.
std::vector<packet_info> read_packets(const fs::path& path) {
  AVFormatContext* format = nullptr;
  REQUIRE(avformat_open_input(&format, path.c_str(), nullptr, nullptr) == 0);
  AVPacket* packet = av_packet_alloc();
  std::vector<packet_info> packets;
  for (int i = 0; i < 10'000 && av_read_frame(format, packet) == 0; ++i) {
    if (packet->size > 0) packets.push_back({bytes(packet->data, packet->data + packet->size), packet->pts});
    av_packet_unref(packet);
  }
  av_packet_free(&packet);
  avformat_close_input(&format);
  return packets;
}

struct video_info {
  int frames = 0;
  cv::Size size;
  cv::Mat first;
  double fps = 0;
};

/// What OpenCV's own reader makes of `path`.
video_info read_with_opencv(const fs::path& path) {
  cv::VideoCapture capture(path.string(), cv::CAP_FFMPEG);
  REQUIRE(capture.isOpened());
  video_info info;
  info.fps = capture.get(cv::CAP_PROP_FPS);
  cv::Mat image;
  for (int i = 0; i < 10'000 && capture.read(image); ++i) {
    if (info.frames++ == 0) {
      info.first = image.clone();
      info.size = image.size();
    } else if (image.size() != info.size) {
      FAIL("frame " << i << " is " << image.cols << "x" << image.rows);
    }
  }
  return info;
}

bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), {});
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("avi_recorder stores each peer's JPEGs unchanged, one file per peer, and scales a frame of another size",
          "[sinks][avi]") {
  test_support::temp_dir dir;
  const fs::path out = dir.path / "out.avi";
  std::vector<std::string> errors;
  std::vector<decoded_frame> sent1, sent2;
  {
    avi_recorder recorder(out.string(), fps, [&](std::string e) { errors.push_back(std::move(e)); });
    for (std::uint32_t seq = 0; seq < 20; ++seq) {
      // Frame 10 comes at another size (the sender's link gave way): scaled to the file's.
      sent1.push_back(seq == 10 ? make_frame(1, seq, 640, 480) : make_frame(1, seq));
      recorder.consume(sent1.back());
      if (seq % 4 == 0) {
        sent2.push_back(make_frame(2, seq / 4, 160, 120));
        recorder.consume(sent2.back());
      }
    }
    CHECK(recorder.rescaled_frames() == 1);
    recorder.peer_closed(1);
    recorder.peer_closed(2);
  }
  CHECK(errors.empty());
  CHECK(names_in(dir.path) == std::set<std::string>{"out.avi", "out-2.avi"});

  const auto video1 = read_with_opencv(out);
  CHECK(video1.frames == 20);
  CHECK(video1.size == cv::Size(320, 240));
  CHECK(video1.fps == Approx(fps));
  // Same JPEG, different decoders (FFmpeg's vs libjpeg's upsampling): near, not equal.
  CHECK(cv::PSNR(video1.first, sent1[0].image) > 35);

  const auto video2 = read_with_opencv(dir.path / "out-2.avi");
  CHECK(video2.frames == 5);
  CHECK(video2.size == cv::Size(160, 120));

  // The packets are the very bytes received, but for the one of another size,
  // encoded again at the file's size.
  const auto packets1 = read_packets(out);
  REQUIRE(packets1.size() == 20);
  for (std::size_t i = 0; i < packets1.size(); ++i) {
    CHECK(packets1[i].pts == static_cast<std::int64_t>(i));
    if (i != 10) CHECK(packets1[i].data == *sent1[i].jpeg);
  }
  const cv::Mat rescaled = cv::imdecode(packets1[10].data, cv::IMREAD_COLOR);
  CHECK(rescaled.size() == cv::Size(320, 240));
  CHECK(cv::PSNR(rescaled, [&] {
          cv::Mat smaller;
          cv::resize(sent1[10].image, smaller, cv::Size(320, 240), 0, 0, cv::INTER_AREA);
          return smaller;
        }()) > 30);
  const auto packets2 = read_packets(dir.path / "out-2.avi");
  REQUIRE(packets2.size() == 5);
  CHECK(packets2[0].data == *sent2[0].jpeg);
}

TEST_CASE("avi_recorder places frames by capture time, so the file plays at capture speed", "[sinks][avi]") {
  test_support::temp_dir dir;
  const fs::path out = dir.path / "timed.avi";
  std::vector<std::string> errors;
  {
    avi_recorder recorder(out.string(), fps, [&](std::string e) { errors.push_back(std::move(e)); });
    // Slot 3 and 4 were never sent; two frames share slot 6 (the sender runs
    // faster than fps); then the sender's clock jumps back by an hour.
    const std::vector<std::int64_t> slots{0, 1, 2, 5, 6, 6, 7, 7 - 3600 * static_cast<std::int64_t>(fps)};
    for (std::size_t i = 0; i < slots.size(); ++i)
      recorder.consume(make_frame(1, static_cast<std::uint32_t>(i), 320, 240, slots[i]));
  }
  CHECK(errors.empty());
  std::vector<std::int64_t> pts;
  for (const auto& p : read_packets(out)) pts.push_back(p.pts);
  CHECK(pts == std::vector<std::int64_t>{0, 1, 2, 5, 6, 7, 8, 9});
}

TEST_CASE("avi_recorder finishes the files still open when it is destroyed", "[sinks][avi]") {
  test_support::temp_dir dir;
  const fs::path out = dir.path / "open.avi";
  {
    avi_recorder recorder(out.string(), fps);
    for (std::uint32_t seq = 0; seq < 7; ++seq) recorder.consume(make_frame(3, seq));
  }
  CHECK(read_with_opencv(out).frames == 7);
}

TEST_CASE("avi_recorder reports a file it cannot create and carries on without throwing", "[sinks][avi]") {
  test_support::temp_dir dir;
  const fs::path out = dir.path / "missing" / "out.avi";
  std::vector<std::string> errors;
  avi_recorder recorder(out.string(), fps, [&](std::string e) { errors.push_back(std::move(e)); });
  for (std::uint32_t seq = 0; seq < 3; ++seq) REQUIRE_NOTHROW(recorder.consume(make_frame(1, seq)));
  REQUIRE_NOTHROW(recorder.peer_closed(1));
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains(out.string()) && Catch::Contains("peer 1"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("avi_recorder reports a write error once and stops that peer's recording", "[sinks][avi]") {
  if (!fs::exists("/dev/full")) return;
  std::vector<std::string> errors;
  avi_recorder recorder("/dev/full", fps, [&](std::string e) { errors.push_back(std::move(e)); });
  // Enough bytes to overflow libavformat's write buffer several times.
  for (std::uint32_t seq = 0; seq < 40; ++seq) REQUIRE_NOTHROW(recorder.consume(make_frame(1, seq, 640, 480)));
  recorder.peer_closed(1);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("stopped"));
}

TEST_CASE("frame_saver writes each JPEG unchanged, named by peer number and sequence only", "[sinks][saver]") {
  test_support::temp_dir dir;
  const fs::path target = dir.path / "new" / "frames";
  std::vector<std::string> errors;
  frame_saver saver(target, [&](std::string e) { errors.push_back(std::move(e)); });
  std::vector<decoded_frame> sent{make_frame(1, 0), make_frame(1, 1), make_frame(2, 0, 160, 120),
                                  make_frame(7, 123'456'789)};
  for (const auto& f : sent) saver.consume(f);
  saver.peer_closed(1);

  CHECK(errors.empty());
  CHECK(saver.saved_frames() == 4);
  const std::vector<std::string> expected{"peer1-00000000.jpg", "peer1-00000001.jpg", "peer2-00000000.jpg",
                                          "peer7-123456789.jpg"};
  CHECK(names_in(target) == std::set<std::string>(expected.begin(), expected.end()));
  for (std::size_t i = 0; i < sent.size(); ++i) {
    CHECK(read_file(target / expected[i]) == *sent[i].jpeg);
    const cv::Mat image = cv::imread((target / expected[i]).string());
    CHECK(image.size() == sent[i].image.size());
  }
}

TEST_CASE("frame_saver reports a failure once, not per frame", "[sinks][saver]") {
  test_support::temp_dir dir;
  const fs::path file = dir.path / "a-file";
  std::ofstream(file) << "not a directory";
  std::vector<std::string> errors;
  frame_saver saver(file / "frames", [&](std::string e) { errors.push_back(std::move(e)); });
  for (std::uint32_t seq = 0; seq < 3; ++seq) REQUIRE_NOTHROW(saver.consume(make_frame(1, seq)));
  CHECK(saver.saved_frames() == 0);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains((file / "frames").string()));
}

TEST_CASE("display_window::open without DISPLAY says there is no display", "[sinks][display]") {
  env_override display("DISPLAY", nullptr);
  env_override platform("QT_QPA_PLATFORM", nullptr);
  std::string error;
  bool escaped = false;
  CHECK(display_window::open([&] { escaped = true; }, error) == nullptr);
  CHECK_THAT(error, Catch::Contains("no display") && Catch::Contains("DISPLAY"));
  CHECK_FALSE(escaped);
}

TEST_CASE("display_window::open with a DISPLAY nobody serves fails at once", "[sinks][display]") {
  // Qt would abort the whole process here; the check before it must not.
  env_override display("DISPLAY", ":4711");
  env_override platform("QT_QPA_PLATFORM", nullptr);
  if (fs::exists("/tmp/.X11-unix/X4711")) return;  // someone does serve it
  std::string error;
  CHECK(display_window::open({}, error) == nullptr);
  CHECK_THAT(error, Catch::Contains("no display") && Catch::Contains(":4711"));
}

TEST_CASE("a display window is titled with the peer's name and number", "[sinks][display]") {
  using chatnode::video::window_title;
  CHECK(window_title(1, "alice") == "chat_node: alice (peer 1)");
  // The same name twice is still two windows.
  CHECK(window_title(2, "alice") != window_title(3, "alice"));
}

TEST_CASE("display_window shows frames and closes windows on a display-less Qt platform", "[sinks][display]") {
  if (cv::getBuildInformation().find("QT:                          YES") == std::string::npos) return;
  env_override display("DISPLAY", nullptr);
  env_override platform("QT_QPA_PLATFORM", "offscreen");
  std::string error;
  auto window = display_window::open({}, error);
  REQUIRE(window);
  CHECK(error.empty());
  for (std::uint32_t seq = 0; seq < 10; ++seq) {
    window->consume(make_frame(1, seq));
    window->consume(make_frame(2, seq, 160, 120));
  }
  window->peer_closed(1);
  window->consume(make_frame(2, 10, 160, 120));

  // HighGUI belongs to that window's thread for the life of the process.
  std::string second;
  CHECK(display_window::open({}, second) == nullptr);
  CHECK_THAT(second, Catch::Contains("already"));
  window.reset();  // joins the display thread; a hang here fails the CTest timeout
}
