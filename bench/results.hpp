// What one benchmark run measured, and how it is printed and saved.
#pragma once

#include <cmath>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "samples.hpp"

namespace bench {

/// Single-thread cost of the work itself, on the same frames the pipeline sends.
struct codec_floor {
  int width = 0, height = 0;
  std::string source;  ///< "test pattern" or the footage's file name
  samples capture_ms;  ///< one frame from the source: drawn, or copied from the footage
  samples turbo_resize_ms, turbo_encode_ms, turbo_decode_ms;
  samples turbo_ms;   ///< resize + encode + decode, per frame: the floor
  samples opencv_ms;  ///< the same with cv::imencode / cv::imdecode
  /// Frames per second two cores could reach if every stage ran in parallel.
  double bound_fps() const;
};

/// The pipeline, sender's capture to receiver's decoded frame.
struct pipeline_run {
  std::string mode;    ///< "in-process" or "processes"
  std::string pacing;  ///< "30 fps" or "unpaced"
  std::string source;  ///< as codec_floor::source
  int width = 0, height = 0;
  double seconds = 0;
  std::size_t frames = 0;  ///< decoded by the receiver in the measured window
  double bytes = 0;
  /// End-to-end latency percentiles (ms): p50, p95, p99, max (NaN where not measured).
  struct percentiles {
    double p50 = NAN, p95 = NAN, p99 = NAN, max = NAN;
  } latency;
  samples latency_ms;                       ///< every frame's latency, where the mode sees each frame (in-process)
  std::map<std::string, samples> stage_ms;  ///< capture, resize, encode, queue, network, handoff, decode
  std::uint64_t dropped = 0;                ///< captured in the window but never decoded
  std::map<std::string, double> cpu_s_per_frame;  ///< per process
  std::map<std::string, long> peak_rss_kib;       ///< per process
  double fps() const { return seconds > 0 ? static_cast<double>(frames) / seconds : 0; }
  double mb_per_s() const { return seconds > 0 ? bytes / 1e6 / seconds : 0; }
};

/// Text one-way latency while video streams.
struct text_run {
  int width = 0, height = 0;
  int sent = 0, received = 0;
  samples latency_ms;
};

struct report {
  std::string machine;  ///< CPU model and cores
  std::vector<codec_floor> floors;
  std::vector<pipeline_run> runs;
  std::vector<text_run> texts;
};

void print_table(std::ostream& out, const report& r);
void write_json(const std::string& path, const report& r);
void write_csv(const std::string& path, const report& r);

}  // namespace bench
