// frame_source.hpp's cameras and video files, from the videoio module
// (videoio/module.hpp), loaded when the first of them is asked for.
#include <dlfcn.h>

#include <filesystem>
#include <vector>

#include "chatnode/video/frame_source.hpp"
#include "chatnode/videoio/module.hpp"

namespace chatnode::video {
namespace {

namespace fs = std::filesystem;

struct loaded_module {
  const videoio::entry* entry = nullptr;
  std::string error;  ///< why there is none
};

/// Where the module may be: beside the program (a build tree), then where the package puts it.
std::vector<fs::path> module_places() {
  std::error_code ec;
  const auto dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return {};
  return {dir / videoio::module_file, (dir / ".." / "lib" / "chat-node" / videoio::module_file).lexically_normal()};
}

loaded_module load() {
  loaded_module m;
  const auto places = module_places();
  for (const auto& place : places) {
    std::error_code ec;
    if (!fs::exists(place, ec)) continue;
    // Never closed: the sources it makes may live as long as the program.
    void* handle = dlopen(place.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      m.error = "the video module cannot be loaded: " + std::string(dlerror());
      return m;
    }
    using entry_fn = const videoio::entry* (*)();
    auto* fn = reinterpret_cast<entry_fn>(dlsym(handle, videoio::entry_symbol));
    if (!fn) {
      m.error = place.string() + " is not chat_node's video module";
      return m;
    }
    m.entry = fn();
    return m;
  }
  m.error = "the video module " + std::string(videoio::module_file) + " is missing (looked in";
  for (const auto& place : places) m.error += " " + place.parent_path().string();
  m.error += ")";
  return m;
}

const loaded_module& module() {
  static const loaded_module m = load();
  return m;
}

std::unique_ptr<frame_source> refuse(std::string& error, std::string why) {
  error = std::move(why);
  return nullptr;
}

}  // namespace

std::unique_ptr<frame_source> open_camera(int index, std::string& error) {
  const auto prefix = videoio::camera_prefix(index);
  if (index < 0) return refuse(error, prefix + "the index must be 0 or more");
  // Most machines that run chat_node have no camera: they need not load the module to learn it.
  std::error_code ec;
  if (!fs::exists(videoio::camera_device(index), ec)) return refuse(error, prefix + "no such device");
  const auto& m = module();
  if (!m.entry) return refuse(error, prefix + m.error);
  return m.entry->open_camera(index, error);
}

std::unique_ptr<frame_source> open_video_file(const std::string& path, std::string& error) {
  const auto& m = module();
  if (!m.entry) return refuse(error, "video " + path + ": " + m.error);
  return m.entry->open_video_file(path, error);
}

}  // namespace chatnode::video
