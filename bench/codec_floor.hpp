// The physical floor: resize + encode + decode of the pipeline's own frames on
// one thread, with TurboJPEG and, for reference, with OpenCV's imencode/imdecode.
#pragma once

#include "footage.hpp"
#include "results.hpp"

namespace bench {

/// On the frames `source` gives (null: the test pattern at twice the size).
codec_floor measure_codec_floor(int width, int height, int quality, int frames,
                                const std::shared_ptr<const footage>& source);

}  // namespace bench
