#include "chatnode/video/quality_ladder.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace chatnode::video {
namespace {

// Below about 50, JPEG's blocks show before the picture gets much smaller in bytes.
constexpr int lowest_quality = 50;

/// libjpeg-turbo's bytes against quality, relative to 90: the mean of the test
/// pattern and OpenCV's vtest.avi (street footage) at 640x480, which agree
/// within 0.06 from 50 to 90 (docs/BENCHMARKS.md, "The ladder's rungs").
constexpr std::array<std::pair<int, double>, 8> quality_curve{
    {{1, 0.18}, {50, 0.43}, {60, 0.47}, {70, 0.55}, {75, 0.61}, {80, 0.69}, {90, 1.0}, {100, 2.94}}};

}  // namespace

bool parse_degrade(std::string_view text, degrade& out) {
  if (text == "balanced")
    out = degrade::balanced;
  else if (text == "maintain-framerate")
    out = degrade::maintain_framerate;
  else if (text == "maintain-resolution")
    out = degrade::maintain_resolution;
  else
    return false;
  return true;
}

std::vector<rung> make_ladder(degrade preference, int top_quality) {
  std::vector<rung> ladder;
  // Each rung costs less than the one above, or it is left out.
  const auto cost = [](const rung& r) { return relative_size(r.picture) / r.fps_div; };
  const auto add = [&](int quality, int scale_div, int fps_div) {
    const rung r{{std::min(quality, top_quality), scale_div}, fps_div};
    if (ladder.empty() || cost(r) < cost(ladder.back())) ladder.push_back(r);
  };
  // Quality first, at full size.
  // Steps of about 1.2 to 1.4 times the bytes: a link fits one of them within
  // its headroom without much of the link left over.
  const auto qualities = {top_quality, 80, 70, 60, lowest_quality};
  for (int q : qualities) add(q, 1, 1);
  const int floor_q = std::min(top_quality, lowest_quality);
  if (preference != degrade::maintain_resolution) {
    // A smaller picture gets back the quality it can now afford: half the
    // side at quality 90 costs less than the full picture at 50.
    for (int div : {2, 4})
      for (int q : qualities) add(q, div, 1);
  }
  if (preference != degrade::maintain_framerate) {
    const int div = ladder.back().picture.scale_div;
    for (int fps_div : {2, 4, 8}) add(floor_q, div, fps_div);
  }
  return ladder;
}

double relative_size(const rendition& r) {
  const int q = std::clamp(r.quality, 1, 100);
  double quality_factor = 1;
  for (std::size_t i = 1; i < quality_curve.size(); ++i) {
    const auto [q1, f1] = quality_curve[i];
    if (q > q1) continue;
    const auto [q0, f0] = quality_curve[i - 1];
    quality_factor = f0 + (f1 - f0) * (q - q0) / static_cast<double>(q1 - q0);
    break;
  }
  // A quarter of the pixels keeps more than a quarter of the bytes: the detail
  // per pixel grows as the picture shrinks (half the side: 0.38 and 0.32 of
  // the bytes for the two pictures above, a quarter: 0.14 and 0.10).
  const double area = 1.0 / (r.scale_div * r.scale_div);
  return quality_factor * std::pow(area, 0.8);
}

int scaled_side(int full, int scale_div) { return std::max(2, (full / std::max(1, scale_div)) & ~1); }

}  // namespace chatnode::video
