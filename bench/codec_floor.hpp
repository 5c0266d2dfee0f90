// The physical floor: resize + encode + decode of the pipeline's own frames on
// one thread, with TurboJPEG and, for reference, with OpenCV's imencode/imdecode.
#pragma once

#include "results.hpp"

namespace bench {

codec_floor measure_codec_floor(int width, int height, int quality, int frames);

}  // namespace bench
