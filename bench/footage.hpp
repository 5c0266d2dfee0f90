// --source FILE: a video file's frames, decoded once before anything is timed
// and replayed in a loop as a camera would give them, so that the floor and the
// pipeline see a real picture (noisy, detailed, slower to encode than the test
// pattern) without the file's decoding in their figures.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "chatnode/video/frame_source.hpp"

namespace bench {

struct footage {
  std::string name;  ///< the file's name, for the tables
  std::vector<cv::Mat> frames;
};

/// Up to `max_frames` frames of `path`; throws when it gives none.
std::shared_ptr<const footage> load_footage(const std::string& path, int max_frames);

/// What a run's sender captures: `f`'s frames, looped, or without footage the
/// test pattern, drawn at twice `width` x `height` (the node halves it).
std::unique_ptr<chatnode::video::frame_source> bench_source(const std::shared_ptr<const footage>& f, int width,
                                                            int height);
/// "test pattern", or the footage's name.
std::string source_name(const std::shared_ptr<const footage>& f);

}  // namespace bench
