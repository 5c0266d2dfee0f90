#include "chatnode/video/display_window.hpp"

#include <pthread.h>
#include <xcb/xcb.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <utility>

#include <opencv2/highgui.hpp>

namespace chatnode::video {
namespace {

using namespace std::chrono_literals;

/// How often window events are pumped while a window is open.
constexpr auto pump_period = 10ms;
constexpr int escape_key = 27;

// HighGUI stays bound to the first thread that used it (Qt's GUI thread is the
// one that created QApplication): a later thread would wait on a dead one forever.
std::atomic<bool> highgui_claimed{false};

// Qt can draw without X (QT_QPA_PLATFORM=offscreen, wayland, vnc).
bool needs_x() {
  const char* platform = std::getenv("QT_QPA_PLATFORM");
  return !platform || !*platform || std::string_view(platform).starts_with("xcb");
}

// Qt's HighGUI aborts the process, beyond any catch, when the X server named by
// DISPLAY does not answer. So ask it first through libxcb, as Qt's xcb platform does.
std::string x_display_problem() {
  const char* display = std::getenv("DISPLAY");
  if (!display || !*display) return "no display (DISPLAY is not set)";
  xcb_connection_t* connection = xcb_connect(display, nullptr);
  std::string problem;
  if (xcb_connection_has_error(connection))
    problem = "no display (cannot connect to X display \"" + std::string(display) + "\")";
  xcb_disconnect(connection);  // also frees a failed connection
  return problem;
}

}  // namespace

std::string window_title(int peer, std::string_view name) {
  return "chat_node: " + std::string(name) + " (peer " + std::to_string(peer) + ")";
}

std::unique_ptr<display_window> display_window::open(std::function<void()> on_escape, std::string& error) {
  if (needs_x()) {
    error = x_display_problem();
    if (!error.empty()) return nullptr;
  }
  if (highgui_claimed.exchange(true)) {
    error = "no display (this process already had a display thread)";
    return nullptr;
  }
  std::unique_ptr<display_window> w(new display_window(std::move(on_escape)));
  std::promise<std::string> ready;
  auto outcome = ready.get_future();
  w->thread_ = std::thread([self = w.get(), ready = std::move(ready)]() mutable { self->run(std::move(ready)); });
  error = outcome.get();
  // On failure the thread has already returned; the destructor joins it.
  if (!error.empty()) return nullptr;
  return w;
}

display_window::display_window(std::function<void()> on_escape) : on_escape_(std::move(on_escape)) {}

display_window::~display_window() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void display_window::consume(const decoded_frame& f) {
  if (f.image.empty()) return;
  // A copy, as the decode thread may reuse its buffer for the next frame.
  cv::Mat copy = f.image.clone();
  {
    std::lock_guard lock(mutex_);
    latest_[f.peer] = {std::move(copy), window_title(f.peer, f.peer_name)};
  }
  wake_.notify_one();
}

void display_window::peer_closed(int peer) {
  {
    std::lock_guard lock(mutex_);
    latest_.erase(peer);
    closed_.insert(peer);
  }
  wake_.notify_one();
}

void display_window::run(std::promise<std::string> ready) {
  ::pthread_setname_np(::pthread_self(), "display");
  // A window made and dropped at once proves the backend works before open() returns.
  try {
    cv::namedWindow("chat_node", cv::WINDOW_AUTOSIZE);
    cv::destroyWindow("chat_node");
  } catch (const cv::Exception& e) {
    ready.set_value("no display (" + e.err + ")");
    return;
  }
  ready.set_value({});

  const auto has_work = [this] { return stopping_ || !latest_.empty() || !closed_.empty(); };
  std::unique_lock lock(mutex_);
  while (true) {
    // Without a window there are no events to pump: sleep until there is work.
    if (windows_.empty())
      wake_.wait(lock, has_work);
    else
      wake_.wait_for(lock, pump_period, has_work);
    if (stopping_) break;
    auto frames = std::exchange(latest_, {});
    auto closed = std::exchange(closed_, {});
    lock.unlock();
    show_and_pump(frames, closed);
    lock.lock();
  }
  lock.unlock();
  for (const auto& [peer, title] : windows_) cv::destroyWindow(title);
  if (!windows_.empty()) cv::waitKey(1);  // lets the window system carry out the destruction
}

void display_window::show_and_pump(const std::map<int, titled_image>& frames, const std::set<int>& closed) {
  for (const auto& [peer, frame] : frames) {
    if (windows_.emplace(peer, frame.title).second)
      cv::namedWindow(frame.title, cv::WINDOW_AUTOSIZE | cv::WINDOW_GUI_NORMAL);
    cv::imshow(windows_.at(peer), frame.image);
  }
  for (int peer : closed) {
    const auto it = windows_.find(peer);
    if (it == windows_.end()) continue;
    cv::destroyWindow(it->second);
    windows_.erase(it);
  }
  if (windows_.empty() && closed.empty()) return;
  if (cv::waitKey(1) == escape_key && on_escape_) on_escape_();
}

}  // namespace chatnode::video
