// Cameras and video files through OpenCV's videoio, built as a module of its
// own (chat_node-videoio.so) that chat_node loads only when a camera or a file
// is asked for: videoio and what it links (GDAL, GStreamer, FFmpeg's codecs,
// some 240 libraries) cost every process a quarter of a second of CPU at its
// start, though most never open a camera.
#pragma once

#include <memory>
#include <string>

#include "chatnode/video/frame_source.hpp"

namespace chatnode::videoio {

/// The file name of the module, looked for beside the chat_node program and
/// in ../lib/chat-node from it (where the package installs it).
inline constexpr const char* module_file = "chat_node-videoio.so";
/// Its one exported symbol: a function returning its `entry`.
inline constexpr const char* entry_symbol = "chatnode_videoio_entry";

/// What the module gives chat_node: the sources frame_source.hpp opens.
struct entry {
  std::unique_ptr<video::frame_source> (*open_camera)(int index, std::string& error);
  std::unique_ptr<video::frame_source> (*open_video_file)(const std::string& path, std::string& error);
};

/// The device of camera `index`, and how errors about it begin.
inline std::string camera_device(int index) { return "/dev/video" + std::to_string(index); }
inline std::string camera_prefix(int index) {
  return "camera " + std::to_string(index) + " (" + camera_device(index) + "): ";
}

/// In the module: camera `index` through V4L2, once it is known to exist.
std::unique_ptr<video::frame_source> open_camera(int index, std::string& error);
/// In the module: any file OpenCV's FFmpeg backend reads, restarted at its end.
std::unique_ptr<video::frame_source> open_video_file(const std::string& path, std::string& error);

}  // namespace chatnode::videoio
