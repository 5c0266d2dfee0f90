// --display: one OpenCV HighGUI window per peer ("chat_node: alice (peer 1)").
// HighGUI must be driven from a single thread, so this sink owns one, named
// "display": consume() only leaves the newest frame of each peer for it (the
// latest frame wins, nothing queues), and the thread shows the frames, pumps
// window events and watches for ESC.
#pragma once

#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include <opencv2/core/mat.hpp>

#include "chatnode/video/decoded_frame.hpp"

namespace chatnode::video {

/// A peer's window title: its name, as the page's tiles show it, and its
/// number, since two peers may give the same name and HighGUI knows a window
/// by its title alone.
std::string window_title(int peer, std::string_view name);

class display_window final : public frame_sink {
 public:
  /// Starts the display thread once an X display answers and HighGUI works;
  /// otherwise nullptr and `error` says why ("no display (DISPLAY is not set)"),
  /// so the node can carry on headless. `on_escape` runs on the display thread
  /// when ESC is pressed in a window (so it must not destroy this object there).
  /// At most one per process: HighGUI stays bound to the first thread that used it.
  static std::unique_ptr<display_window> open(std::function<void()> on_escape, std::string& error);
  /// Closes the windows and joins the thread.
  ~display_window() override;
  display_window(const display_window&) = delete;
  display_window& operator=(const display_window&) = delete;

  void consume(const decoded_frame& f) override;
  void peer_closed(int peer) override;

 private:
  explicit display_window(std::function<void()> on_escape);
  /// The display thread: `ready` gets the outcome of the HighGUI check first.
  void run(std::promise<std::string> ready);
  struct titled_image {
    cv::Mat image;
    std::string title;
  };
  void show_and_pump(const std::map<int, titled_image>& frames, const std::set<int>& closed);

  std::function<void()> on_escape_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int, titled_image> latest_;  ///< newest frame not yet shown, per peer
  std::set<int> closed_;                ///< peers whose window is to go
  bool stopping_ = false;

  std::map<int, std::string> windows_;  ///< open windows' titles, per peer; display thread only
  std::thread thread_;
};

}  // namespace chatnode::video
