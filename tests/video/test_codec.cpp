// video::jpeg_codec: TurboJPEG and the OpenCV reference agree with each other,
// write baseline 4:2:0 JFIF, reuse their buffers, and turn damaged input into
// error values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <turbojpeg.h>
#include <opencv2/core.hpp>

#include "chatnode/video/errors.hpp"
#include "chatnode/video/jpeg_codec.hpp"
#include "chatnode/video/test_pattern.hpp"

#include "video/fixed_time.hpp"

namespace video = chatnode::video;
using video::errc;

namespace {

using bytes = std::vector<std::uint8_t>;

using video_test::fixed_time;

cv::Mat pattern_frame(int width, int height, std::uint64_t frame = 42) {
  cv::Mat out;
  video::test_pattern(width, height, "codec").draw(out, frame, fixed_time);
  return out;
}

std::unique_ptr<video::jpeg_codec> make_codec(const std::string& name) {
  return name == "turbojpeg" ? video::make_turbojpeg_codec() : video::make_opencv_codec();
}

bytes encode(video::jpeg_codec& codec, const cv::Mat& image, int quality = 90) {
  bytes out;
  codec.encode(image, quality, out);
  return out;
}

/// The marker segments between SOI and the first SOS, as written by an encoder.
struct jpeg_layout {
  std::vector<int> markers;  ///< in order, SOS last
  std::size_t sof_at = 0;    ///< offset of the frame header's FF
  std::size_t dht_at = 0;    ///< offset of the first Huffman table's FF
  std::size_t scan_at = 0;   ///< offset of the SOS marker's FF
  int precision = 0, width = 0, height = 0;
  std::vector<int> sampling;  ///< per component, 0xHV
};

jpeg_layout layout_of(const bytes& j) {
  jpeg_layout l;
  std::size_t i = 2;
  while (i + 4 <= j.size() && j.at(i) == 0xFF) {
    const int marker = j.at(i + 1);
    l.markers.push_back(marker);
    if (marker == 0xDA) {
      l.scan_at = i;
      break;
    }
    if (marker == 0xC4 && l.dht_at == 0) l.dht_at = i;
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      l.sof_at = i;
      l.precision = j.at(i + 4);
      l.height = j.at(i + 5) << 8 | j.at(i + 6);
      l.width = j.at(i + 7) << 8 | j.at(i + 8);
      for (int c = 0; c < j.at(i + 9); ++c) l.sampling.push_back(j.at(i + 11 + 3 * c));
    }
    i += 2 + (std::size_t{j.at(i + 2)} << 8 | j.at(i + 3));
  }
  return l;
}

int count(const std::vector<int>& v, int x) { return static_cast<int>(std::count(v.begin(), v.end(), x)); }

/// A small JPEG straight from TurboJPEG in a pixel format our encoders never write.
bytes tj_encode(int pixel_format, int subsampling, int channels) {
  const int w = 64, h = 48;
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * h * channels);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<unsigned char>(i * 7);
  tjhandle c = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int rc = tjCompress2(c, pixels.data(), w, 0, h, pixel_format, &out, &size, subsampling, 90, 0);
  bytes jpeg(out, out + (rc == 0 ? size : 0));
  tjFree(out);
  tjDestroy(c);
  return jpeg;
}

}  // namespace

TEST_CASE("Both codecs round-trip a test-pattern frame above 30 dB and decode each other's output alike",
          "[video][codec]") {
  const auto [width, height] =
      GENERATE(table<int, int>({{320, 240}, {640, 480}, {1280, 720}, {1920, 1080}, {333, 241}}));
  auto turbo = video::make_turbojpeg_codec();
  auto reference = video::make_opencv_codec();
  const cv::Mat original = pattern_frame(width, height);

  for (auto* encoder : {turbo.get(), reference.get()}) {
    INFO(encoder->name() << " encoded " << width << "x" << height);
    const auto jpeg = encode(*encoder, original);
    cv::Mat by_turbo, by_reference;
    REQUIRE_FALSE(turbo->decode(jpeg, by_turbo));
    REQUIRE_FALSE(reference->decode(jpeg, by_reference));
    CHECK(by_turbo.type() == CV_8UC3);
    CHECK(by_reference.type() == CV_8UC3);
    CHECK(by_turbo.size() == original.size());
    CHECK(by_reference.size() == original.size());
    // Measured: 37.4 dB at 333x241 up to 43.7 dB at 1920x1080, either encoder.
    CHECK(cv::PSNR(original, by_turbo) > 30);
    // Measured identical (0) with Debian's OpenCV, which decodes through the
    // same libjpeg-turbo; 2 leaves room for another IDCT's rounding.
    CHECK(cv::norm(by_turbo, by_reference, cv::NORM_INF) <= 2);
  }
}

TEST_CASE("Each codec writes baseline JFIF with 4:2:0 chroma", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  const auto [width, height] = GENERATE(table<int, int>({{320, 240}, {1920, 1080}, {333, 241}}));
  INFO(name << " " << width << "x" << height);
  auto codec = make_codec(name);
  const auto jpeg = encode(*codec, pattern_frame(width, height));

  REQUIRE(jpeg.size() > 20);
  CHECK(jpeg[0] == 0xFF);
  CHECK(jpeg[1] == 0xD8);
  CHECK(jpeg[2] == 0xFF);
  CHECK(jpeg[3] == 0xE0);
  CHECK(std::string(jpeg.begin() + 6, jpeg.begin() + 11) == std::string("JFIF\0", 5));
  CHECK(jpeg[jpeg.size() - 2] == 0xFF);
  CHECK(jpeg[jpeg.size() - 1] == 0xD9);

  const auto l = layout_of(jpeg);
  REQUIRE(l.scan_at > 0);
  CHECK(count(l.markers, 0xC0) == 1);  // SOF0, baseline
  CHECK(count(l.markers, 0xC2) == 0);  // no progressive frame
  CHECK(l.precision == 8);
  CHECK(l.width == width);
  CHECK(l.height == height);
  CHECK(l.sampling == std::vector<int>{0x22, 0x11, 0x11});
}

TEST_CASE("Encoding the same size again reuses the output vector", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  const cv::Mat image = pattern_frame(640, 480);
  bytes out;
  codec->encode(image, 90, out);
  const auto* first = out.data();
  const auto first_bytes = out;
  codec->encode(image, 90, out);
  CHECK(out.data() == first);
  CHECK(out == first_bytes);
}

TEST_CASE("Decoding the same size again reuses the image's pixels", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  const auto a = encode(*codec, pattern_frame(640, 480, 1));
  const auto b = encode(*codec, pattern_frame(640, 480, 2));
  const auto small = encode(*codec, pattern_frame(320, 240));

  cv::Mat image;
  REQUIRE_FALSE(codec->decode(a, image));
  const auto* pixels = image.data;
  REQUIRE_FALSE(codec->decode(b, image));
  CHECK(image.data == pixels);
  REQUIRE_FALSE(codec->decode(small, image));
  CHECK(image.size() == cv::Size(320, 240));
  CHECK(image.type() == CV_8UC3);
}

TEST_CASE("A region of a larger image encodes exactly like its copy", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  const cv::Mat whole = pattern_frame(640, 480);
  const cv::Mat region = whole(cv::Rect(13, 7, 333, 241));
  REQUIRE_FALSE(region.isContinuous());
  CHECK(encode(*codec, region) == encode(*codec, region.clone()));
}

TEST_CASE("Encoding rejects what is not a BGR image with a quality of 1 to 100", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  bytes out;
  CHECK_THROWS_AS(codec->encode(cv::Mat(), 90, out), std::invalid_argument);
  CHECK_THROWS_AS(codec->encode(cv::Mat(8, 8, CV_8UC1, cv::Scalar(0)), 90, out), std::invalid_argument);
  const cv::Mat image = pattern_frame(64, 48);
  CHECK_THROWS_AS(codec->encode(image, 0, out), std::invalid_argument);
  CHECK_THROWS_AS(codec->encode(image, 101, out), std::invalid_argument);
  CHECK_NOTHROW(codec->encode(image, 1, out));
  CHECK_NOTHROW(codec->encode(image, 100, out));
}

TEST_CASE("Input that is not a JPEG is undecodable", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  cv::Mat image;

  CHECK(codec->decode({}, image) == errc::undecodable);

  bytes garbage(4096);
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>(i * 2654435761u >> 13);
  CHECK(codec->decode(garbage, image) == errc::undecodable);

  garbage[0] = 0xFF;  // a start-of-image marker followed by noise
  garbage[1] = 0xD8;
  CHECK(codec->decode(garbage, image) == errc::undecodable);
}

TEST_CASE("A damaged JPEG header is undecodable", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  const auto good = encode(*codec, pattern_frame(333, 241));
  const auto l = layout_of(good);
  REQUIRE(l.sof_at > 0);
  cv::Mat image;

  SECTION("start of image overwritten") {
    auto bad = good;
    bad[1] = 0x00;
    CHECK(codec->decode(bad, image) == errc::undecodable);
  }
  SECTION("12-bit precision, which this libjpeg-turbo build rejects as it reads the header") {
    auto bad = good;
    bad[l.sof_at + 4] = 12;
    CHECK(codec->decode(bad, image) == errc::undecodable);
  }
  SECTION("zero width") {
    auto bad = good;
    bad[l.sof_at + 7] = 0;
    bad[l.sof_at + 8] = 0;
    CHECK(codec->decode(bad, image) == errc::undecodable);
  }
  SECTION("a warning (stray bytes before a marker) followed by a fatal error") {
    auto bad = good;
    bad[l.sof_at + 4] = 12;
    const std::uint8_t stray[] = {0x00, 0x00};
    bad.insert(bad.begin() + static_cast<std::ptrdiff_t>(l.sof_at), std::begin(stray), std::end(stray));
    CHECK(codec->decode(bad, image) == errc::undecodable);
  }
}

TEST_CASE("A damaged frame does not stop the next one from decoding", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  const auto good = encode(*codec, pattern_frame(333, 241));
  const auto l = layout_of(good);
  REQUIRE(l.dht_at > 0);
  auto twelve_bit = good;
  twelve_bit[l.sof_at + 4] = 12;
  // Ends inside a Huffman table: a warning (no more data), then a fatal error (bogus table).
  const bytes cut_in_table(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(l.dht_at + 10));

  cv::Mat image;
  CHECK(codec->decode(twelve_bit, image) == errc::undecodable);
  REQUIRE_FALSE(codec->decode(good, image));
  CHECK(image.size() == cv::Size(333, 241));

  if (name == "turbojpeg") {
    CHECK(codec->decode(cut_in_table, image) == errc::undecodable);
  } else {
    // OpenCV's memory source suspends at the end of the data instead of
    // reporting it; having read the size, imdecode hands back an image it
    // never filled. The reference is not the product.
    CHECK_FALSE(codec->decode(cut_in_table, image));
    CHECK(image.size() == cv::Size(333, 241));
  }
  REQUIRE_FALSE(codec->decode(good, image));
  CHECK(image.size() == cv::Size(333, 241));
}

TEST_CASE("A JPEG cut in half still decodes, gray where the data ran out", "[video][codec]") {
  const std::string name = GENERATE("turbojpeg", "opencv");
  INFO(name);
  auto codec = make_codec(name);
  const cv::Mat original = pattern_frame(640, 480);
  const auto whole = encode(*codec, original);
  const std::span<const std::uint8_t> half(whole.data(), whole.size() / 2);

  // Both libraries report the truncation as a warning and fill in the rest.
  cv::Mat image;
  REQUIRE_FALSE(codec->decode(half, image));
  REQUIRE(image.size() == original.size());
  const cv::Rect top(0, 0, 640, 64);
  CHECK(cv::PSNR(original(top), image(top)) > 30);
  const cv::Rect bottom_row(0, 479, 640, 1);
  CHECK(cv::PSNR(original(bottom_row), image(bottom_row)) < 30);
}

TEST_CASE("TurboJPEG: any prefix of a JPEG is an error before the scan and a full-size image after it",
          "[video][codec]") {
  auto codec = video::make_turbojpeg_codec();
  const auto jpeg = encode(*codec, pattern_frame(333, 241));
  const auto scan_at = layout_of(jpeg).scan_at;
  REQUIRE(scan_at > 0);
  cv::Mat image;
  for (std::size_t length = 0; length < jpeg.size(); length += 37) {
    INFO("prefix of " << length << " bytes, scan at " << scan_at);
    const auto ec = codec->decode(std::span(jpeg.data(), length), image);
    if (length <= scan_at) {
      CHECK(ec == errc::undecodable);
    } else {
      CHECK_FALSE(ec);
      CHECK(image.size() == cv::Size(333, 241));
    }
  }
}

TEST_CASE("TurboJPEG: any single damaged header byte gives an error value or an image, never an exception",
          "[video][codec]") {
  auto codec = video::make_turbojpeg_codec();
  const auto good = encode(*codec, pattern_frame(333, 241));
  const auto scan_at = layout_of(good).scan_at;
  REQUIRE(scan_at > 0);
  cv::Mat image;
  int errors = 0, images = 0;
  for (std::size_t at = 0; at < scan_at; ++at) {
    for (const std::uint8_t flip : {0x01, 0xFF}) {
      auto bad = good;
      bad[at] ^= flip;
      INFO("byte " << at << " xor " << int{flip});
      boost::system::error_code ec;
      REQUIRE_NOTHROW(ec = codec->decode(bad, image));
      if (ec) {
        CHECK((ec == errc::undecodable || ec == errc::unsupported));
        ++errors;
      } else {
        CHECK(image.type() == CV_8UC3);
        CHECK(!image.empty());
        ++images;
      }
    }
  }
  // Quantisation and Huffman table bytes mostly still decode (to a wrong picture); markers and lengths do not.
  CHECK(errors > 0);
  CHECK(images > 0);
}

TEST_CASE("TurboJPEG: CMYK and oversized pictures are unsupported, grayscale is decoded to BGR", "[video][codec]") {
  auto codec = video::make_turbojpeg_codec();
  cv::Mat image;

  const auto cmyk = tj_encode(TJPF_CMYK, TJSAMP_444, 4);
  REQUIRE_FALSE(cmyk.empty());
  CHECK(codec->decode(cmyk, image) == errc::unsupported);
  // The reference converts CMYK itself.
  CHECK_FALSE(video::make_opencv_codec()->decode(cmyk, image));

  const auto gray = tj_encode(TJPF_GRAY, TJSAMP_GRAY, 1);
  REQUIRE_FALSE(gray.empty());
  REQUIRE_FALSE(codec->decode(gray, image));
  CHECK(image.type() == CV_8UC3);
  CHECK(image.size() == cv::Size(64, 48));
  std::vector<cv::Mat> planes;
  cv::split(image, planes);
  CHECK(cv::norm(planes[0], planes[1], cv::NORM_INF) == 0);
  CHECK(cv::norm(planes[1], planes[2], cv::NORM_INF) == 0);

  // A header may claim any size up to 65535x65535 whatever the data behind it.
  auto huge = encode(*codec, pattern_frame(333, 241));
  const auto sof = layout_of(huge).sof_at;
  huge[sof + 5] = huge[sof + 7] = 0xFD;  // 65000 x 65000
  huge[sof + 6] = huge[sof + 8] = 0xE8;
  CHECK(codec->decode(huge, image) == errc::unsupported);
}
