// The product codec: libjpeg-turbo's TurboJPEG API. Its handles and the
// compression buffer live as long as the codec, so steady-state frames of one
// size allocate nothing.
#include "chatnode/video/jpeg_codec.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include <turbojpeg.h>

#include "chatnode/video/errors.hpp"

namespace chatnode::video {
namespace {

/// Larger pictures from a peer are refused before allocating anything for
/// them: a 600-byte JPEG can declare 65500x65500 (12 GB of BGR). 4K UHD fits.
constexpr long max_decode_pixels = 4096L * 4096L;

struct tj_deleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using tj_ptr = std::unique_ptr<void, tj_deleter>;

class turbojpeg_codec final : public jpeg_codec {
 public:
  turbojpeg_codec() : compressor_(tjInitCompress()), decompressor_(tjInitDecompress()) {
    if (!compressor_ || !decompressor_) throw std::runtime_error(std::string("TurboJPEG: ") + tjGetErrorStr2(nullptr));
  }

  void encode(const cv::Mat& bgr, int quality, std::vector<std::uint8_t>& out) override {
    if (bgr.empty() || bgr.type() != CV_8UC3 || quality < 1 || quality > 100)
      throw std::invalid_argument("jpeg encode: needs a non-empty CV_8UC3 image and quality 1..100");
    // tjBufSize is the worst case for this size, so NOREALLOC never fails for
    // lack of room and TurboJPEG never replaces our buffer.
    const auto worst_case = tjBufSize(bgr.cols, bgr.rows, TJSAMP_420);
    if (buffer_.size() < worst_case) buffer_.resize(worst_case);
    unsigned char* dst = buffer_.data();
    unsigned long size = 0;
    // The step as pitch lets an ROI of a larger image be encoded in place.
    // (TurboJPEG 2.1 obeys TJ_PROGRESSIVE, TJ_ARITHMETIC and TJ_RESTART from
    // the environment; unset, as they should be, the output is baseline.)
    if (tjCompress2(compressor_.get(), bgr.data, bgr.cols, static_cast<int>(bgr.step), bgr.rows, TJPF_BGR, &dst, &size,
                    TJSAMP_420, quality, TJFLAG_NOREALLOC) != 0)
      throw std::runtime_error(std::string("TurboJPEG encode: ") + tjGetErrorStr2(compressor_.get()));
    out.assign(dst, dst + size);
  }

  boost::system::error_code decode(std::span<const std::uint8_t> jpeg, cv::Mat& bgr) override {
    if (jpeg.empty()) return errc::undecodable;
    int width = 0, height = 0, subsampling = -1, colorspace = -1;
    // Only a parsed header sets the size, so the size alone tells whether it
    // parsed: the return value is also -1 for a mere warning or for unusual
    // sampling factors, both of which tjDecompress2 still decodes.
    tjDecompressHeader3(decompressor_.get(), jpeg.data(), jpeg.size(), &width, &height, &subsampling, &colorspace);
    if (width <= 0 || height <= 0) {
      // libjpeg-turbo 2.1 leaves the handle inside the failed header, and
      // every later header fails the same way: one bad frame from a peer
      // would end decoding for good. A new handle costs microseconds.
      decompressor_.reset(tjInitDecompress());
      if (!decompressor_) throw std::runtime_error(std::string("TurboJPEG: ") + tjGetErrorStr2(nullptr));
      return errc::undecodable;
    }
    if (colorspace != TJCS_YCbCr && colorspace != TJCS_GRAY && colorspace != TJCS_RGB) return errc::unsupported;
    if (static_cast<long>(width) * height > max_decode_pixels) return errc::unsupported;

    bgr.create(height, width, CV_8UC3);
    // Damaged entropy data, such as a truncated frame, is only a warning:
    // TurboJPEG fills the missing part with gray and we accept that picture.
    // But a fatal error after an earlier warning is also reported as a
    // warning, so whether the picture was produced is checked directly. Rows
    // are written top to bottom, so the last row differs from what we put
    // there only if decoding reached the end; a second, different fill rules
    // out a decoded row that happens to equal the first.
    unsigned char* last_row = bgr.ptr(height - 1);
    const auto row_bytes = static_cast<std::size_t>(width) * 3;
    tjhandle d = decompressor_.get();
    for (const int fill : {0x00, 0xFF}) {
      std::fill_n(last_row, row_bytes, static_cast<unsigned char>(fill));
      if (tjDecompress2(d, jpeg.data(), jpeg.size(), bgr.data, width, static_cast<int>(bgr.step), height, TJPF_BGR,
                        0) == 0)
        return {};
      if (tjGetErrorCode(d) != TJERR_WARNING) return errc::undecodable;
      if (std::any_of(last_row, last_row + row_bytes, [fill](unsigned char b) { return b != fill; })) return {};
    }
    return errc::undecodable;
  }

  const char* name() const override { return "turbojpeg"; }

 private:
  tj_ptr compressor_;
  tj_ptr decompressor_;
  std::vector<unsigned char> buffer_;  ///< compressed output, sized for the largest image so far
};

}  // namespace

std::unique_ptr<jpeg_codec> make_turbojpeg_codec() { return std::make_unique<turbojpeg_codec>(); }

}  // namespace chatnode::video
