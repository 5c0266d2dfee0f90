// The module's one exported symbol (videoio/module.hpp): chat_node finds the
// sources through it, and needs nothing else of the module by name.
#include "chatnode/videoio/module.hpp"

extern "C" __attribute__((visibility("default"))) const chatnode::videoio::entry* chatnode_videoio_entry() {
  static const chatnode::videoio::entry e{&chatnode::videoio::open_camera, &chatnode::videoio::open_video_file};
  return &e;
}
