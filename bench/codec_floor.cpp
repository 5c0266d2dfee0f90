#include "codec_floor.hpp"

#include <chrono>

#include <opencv2/imgproc.hpp>

#include "chatnode/clock.hpp"
#include "chatnode/video/jpeg_codec.hpp"

namespace bench {
namespace {

double ms_since(std::int64_t t0) { return static_cast<double>(chatnode::steady_ns() - t0) / 1e6; }

}  // namespace

double codec_floor::bound_fps() const {
  // Two cores, every stage of a frame done once: 2 / (capture + resize + encode + decode).
  const double per_frame = capture_ms.median() + turbo_ms.median();
  return per_frame > 0 ? 2000.0 / per_frame : 0;
}

codec_floor measure_codec_floor(int width, int height, int quality, int frames,
                                const std::shared_ptr<const footage>& source) {
  namespace video = chatnode::video;
  codec_floor f;
  f.width = width;
  f.height = height;
  f.source = source_name(source);
  // The same source the pipeline runs: a test pattern at twice the size, or the footage, resized.
  auto frames_from = bench_source(source, width, height);
  auto turbo = video::make_turbojpeg_codec();
  auto opencv = video::make_opencv_codec();
  cv::Mat grabbed, resized, decoded;
  std::vector<std::uint8_t> jpeg;
  for (int i = 0; i < frames; ++i) {
    auto t = chatnode::steady_ns();
    frames_from->grab(grabbed);
    f.capture_ms.add(ms_since(t));

    t = chatnode::steady_ns();
    cv::resize(grabbed, resized, {width, height}, 0, 0, cv::INTER_AREA);
    const double resize = ms_since(t);
    t = chatnode::steady_ns();
    turbo->encode(resized, quality, jpeg);
    const double encode = ms_since(t);
    t = chatnode::steady_ns();
    if (turbo->decode(jpeg, decoded)) throw std::runtime_error("floor: TurboJPEG could not decode its own frame");
    const double decode = ms_since(t);
    f.turbo_resize_ms.add(resize);
    f.turbo_encode_ms.add(encode);
    f.turbo_decode_ms.add(decode);
    f.turbo_ms.add(resize + encode + decode);

    t = chatnode::steady_ns();
    cv::resize(grabbed, resized, {width, height}, 0, 0, cv::INTER_AREA);
    opencv->encode(resized, quality, jpeg);
    if (opencv->decode(jpeg, decoded)) throw std::runtime_error("floor: OpenCV could not decode its own frame");
    f.opencv_ms.add(ms_since(t));
  }
  return f;
}

}  // namespace bench
