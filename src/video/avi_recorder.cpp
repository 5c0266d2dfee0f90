#include "chatnode/video/avi_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "chatnode/video/avi_writer.hpp"

namespace chatnode::video {
namespace {

double sane_fps(double hint) { return std::isfinite(hint) ? std::clamp(hint, 1.0, 240.0) : 15.0; }

}  // namespace

// Where each frame goes. AVI has no timestamps: frame k simply plays at k / fps
// (a 1/1000 time base would declare 1000 fps and store an empty chunk per ms).
// A frame-counter index would play at the right speed only if the peer sent
// exactly fps_hint frames per second, which it doesn't (other capture rate,
// frames dropped on a slow link). So a frame takes the slot of its capture
// time since the peer's first frame, and the muxer fills skipped slots with
// empty chunks, which players show as the previous frame held: the file plays
// at capture speed. A frame whose slot is taken (the peer sends faster than
// fps_hint) goes in the next one. A jump beyond max_jump_s either way (the
// sender's clock stepped, a long pause, a bogus capture time) re-anchors the
// timeline rather than writing minutes of empty chunks.
struct avi_recorder::recording {
  static constexpr double max_jump_s = 10;

  std::unique_ptr<avi_writer> file;  ///< null once closed or failed
  std::string path;
  int width = 0, height = 0;
  std::uint64_t first_capture_us = 0;
  std::int64_t shift = 0;  ///< slots added by re-anchoring
  std::int64_t last = -1;  ///< slot of the latest frame

  std::int64_t next_slot(std::uint64_t capture_us, double fps) {
    // Unsigned wrap-around then conversion: a capture time before the first frame is negative.
    const auto since_first_us = static_cast<std::int64_t>(capture_us - first_capture_us);
    std::int64_t slot = std::llround(static_cast<double>(since_first_us) * fps / 1e6) + shift;
    const std::int64_t max_jump = std::llround(max_jump_s * fps);
    if (slot > last + max_jump || slot < last - max_jump) {
      shift += last + 1 - slot;
      slot = last + 1;
    }
    last = std::max(slot, last + 1);
    return last;
  }
};

avi_recorder::avi_recorder(std::string path, double fps_hint, error_handler on_error)
    : path_(std::move(path)),
      fps_(sane_fps(fps_hint)),
      on_error_(std::move(on_error)),
      codec_(make_turbojpeg_codec()) {}

avi_recorder::~avi_recorder() {
  for (auto& [peer, r] : recordings_)
    if (r->file) stop(peer, *r, {});
}

void avi_recorder::consume(const decoded_frame& f) {
  if (!f.jpeg || f.image.empty()) return;
  auto& r = recordings_[f.peer];
  if (!r) {
    r = std::make_unique<recording>();
    start(f.peer, f, *r);
  }
  if (!r->file) return;
  const std::vector<std::uint8_t>* jpeg = f.jpeg.get();
  if (f.image.cols != r->width || f.image.rows != r->height) {
    cv::resize(f.image, rescaled_image_, cv::Size(r->width, r->height), 0, 0, cv::INTER_AREA);
    codec_->encode(rescaled_image_, 90, rescaled_jpeg_);
    jpeg = &rescaled_jpeg_;
    rescaled_.fetch_add(1, std::memory_order_relaxed);
  }
  const std::string error = r->file->write(*jpeg, r->next_slot(f.header.capture_us, fps_));
  if (!error.empty()) stop(f.peer, *r, error);
}

void avi_recorder::peer_closed(int peer) {
  const auto it = recordings_.find(peer);
  if (it != recordings_.end() && it->second->file) stop(peer, *it->second, {});
}

std::string avi_recorder::path_for(int peer) const {
  if (peer == first_peer_) return path_;
  std::filesystem::path p(path_);
  p.replace_filename(p.stem().string() + "-" + std::to_string(peer) + p.extension().string());
  return p.string();
}

void avi_recorder::start(int peer, const decoded_frame& f, recording& r) {
  if (first_peer_ == 0) first_peer_ = peer;
  r.path = path_for(peer);
  r.width = f.image.cols;
  r.height = f.image.rows;
  r.first_capture_us = f.header.capture_us;
  std::string error;
  r.file = avi_writer::open(r.path, r.width, r.height, fps_, error);
  if (!r.file && on_error_) on_error_("cannot record peer " + std::to_string(peer) + " to " + r.path + ": " + error);
}

void avi_recorder::stop(int peer, recording& r, const std::string& why) {
  const std::string finished = r.file->finish();
  r.file.reset();
  const std::string& error = why.empty() ? finished : why;
  if (!error.empty() && on_error_)
    on_error_("recording of peer " + std::to_string(peer) + " to " + r.path + " stopped: " + error);
}

}  // namespace chatnode::video
