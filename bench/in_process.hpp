// Two nodes in one process (each with its own io_context and threads) joined by
// TCP over loopback: the real pipeline, with every stage timed on one clock.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "footage.hpp"
#include "results.hpp"

namespace bench {

struct run_spec {
  int width = 640, height = 480;
  double fps = 30;  ///< 0: unpaced
  int quality = 90;
  int warmup_frames = 30;
  int frames = 300;                       ///< measured frames
  double max_seconds = 20;                ///< the measurement ends at this time even if frames are missing
  std::shared_ptr<const footage> source;  ///< what the sender captures; null: the test pattern
};

/// What both modes fill alike: the mode, the pacing and size of `spec`, and the measured window.
pipeline_run measured_run(std::string mode, const run_spec& spec, std::chrono::steady_clock::duration window);

pipeline_run run_in_process(const run_spec& spec);
/// Text every few milliseconds from the sender while its video streams unpaced.
text_run text_under_load(const run_spec& spec, int messages, int interval_ms);

}  // namespace bench
