#include "chatnode/app/video_devices.hpp"

#include "chatnode/video/avi_recorder.hpp"
#include "chatnode/video/display_window.hpp"
#include "chatnode/video/frame_saver.hpp"

namespace chatnode::app {

std::unique_ptr<video::frame_source> open_source(const options& o, const report_fn& report) {
  using source = options::video_source;
  const auto pattern = [&] {
    const auto size = o.capture.size.empty() ? cv::Size(640, 480) : o.capture.size;
    return video::make_test_pattern(size.width, size.height, o.name);
  };
  std::string error;
  switch (o.source) {
    case source::none:
    case source::receive_only:
      return nullptr;
    case source::test_pattern:
      return pattern();
    case source::automatic:
      if (auto cam = video::open_camera(0, error)) return cam;
      report("no camera (" + error + "): sending the test pattern instead");
      return pattern();
    case source::camera:
      if (auto cam = video::open_camera(o.camera_index, error)) return cam;
      throw std::runtime_error(error);
    case source::file:
      if (auto file = video::open_video_file(o.video_file, error)) return file;
      throw std::runtime_error(error);
  }
  return nullptr;
}

std::vector<std::shared_ptr<video::frame_sink>> open_sinks(const options& o,
                                                           std::vector<std::shared_ptr<video::frame_sink>> extra,
                                                           std::function<void()> on_escape, const report_fn& report) {
  auto sinks = std::move(extra);
  if (o.display) {
    std::string error;
    if (auto window = video::display_window::open(std::move(on_escape), error))
      sinks.push_back(std::move(window));
    else
      report(error + ": carrying on without --display");
  }
  if (!o.record_path.empty())
    sinks.push_back(std::make_shared<video::avi_recorder>(o.record_path, o.capture.fps, report));
  if (!o.save_frames_dir.empty()) sinks.push_back(std::make_shared<video::frame_saver>(o.save_frames_dir, report));
  return sinks;
}

}  // namespace chatnode::app
