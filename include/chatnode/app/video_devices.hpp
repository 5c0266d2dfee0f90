// Where a node's video comes from and goes to, as the options name them: the
// camera, a file or the test pattern; the window, the recorder, the frame saver.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chatnode/options.hpp"
#include "chatnode/video/decode_thread.hpp"
#include "chatnode/video/frame_source.hpp"

namespace chatnode::app {

using report_fn = std::function<void(const std::string&)>;

/// The source the options ask for, null when we send none. A missing camera
/// falls back to the test pattern only when none was named; a named one that
/// fails throws std::runtime_error.
std::unique_ptr<video::frame_source> open_source(const options& o, const report_fn& report);

/// The sinks the options ask for, after `extra`. A window that cannot open is
/// reported and left out; ESC in it calls `on_escape` (from its thread).
std::vector<std::shared_ptr<video::frame_sink>> open_sinks(const options& o,
                                                           std::vector<std::shared_ptr<video::frame_sink>> extra,
                                                           std::function<void()> on_escape, const report_fn& report);

}  // namespace chatnode::app
