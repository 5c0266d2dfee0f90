// The steps by which one link's video gives way when the link cannot carry
// it: lower JPEG quality, then a smaller picture, then fewer frames, in the
// order the user's degradation preference names (WebRTC's three). Rung 0 is
// what the user asked for; each rung below costs fewer bytes a second.
#pragma once

#include <compare>
#include <string_view>
#include <vector>

namespace chatnode::video {

/// One way of encoding our captured image: a JPEG quality, and the picture's
/// side divided by `scale_div`. The capture thread encodes each rendition some
/// link needs, once, for all the links that need it.
struct rendition {
  int quality = 90;
  int scale_div = 1;
  auto operator<=>(const rendition&) const = default;
};

/// The rendition of a frame we did not encode (one received, to show or relay).
inline constexpr rendition not_ours{0, 1};

struct rung {
  rendition picture;
  int fps_div = 1;  ///< of the frames offered, one in fps_div is sent
  bool operator==(const rung&) const = default;
};

enum class degrade {
  balanced,             ///< quality, then size, then frame rate
  maintain_framerate,   ///< quality, then size; never fewer frames
  maintain_resolution,  ///< quality, then frame rate; never a smaller picture
};

/// "balanced", "maintain-framerate", "maintain-resolution"; false for anything else.
bool parse_degrade(std::string_view text, degrade& out);

/// The rungs from `top_quality` at full size downwards; never empty.
std::vector<rung> make_ladder(degrade preference, int top_quality);

/// The JPEG bytes of `r` relative to quality 90 at full size, for a picture of
/// typical detail: how a rung not yet encoded is estimated from one that was.
double relative_size(const rendition& r);

/// A side of the picture at `scale_div`: even, so 4:2:0 chroma stays exact, and at least 2.
int scaled_side(int full, int scale_div);

}  // namespace chatnode::video
