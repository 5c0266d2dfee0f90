#include "chatnode/video/avi_writer.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

namespace chatnode::video {
namespace {

std::string av_error(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

}  // namespace

std::unique_ptr<avi_writer> avi_writer::open(const std::string& path, int width, int height, double fps,
                                             std::string& error) {
  // Owned from the first allocation, so every early return releases what exists.
  std::unique_ptr<avi_writer> w(new avi_writer);
  int rc = avformat_alloc_output_context2(&w->format_, nullptr, "avi", path.c_str());
  if (rc < 0) {
    error = "cannot set up the AVI muxer: " + av_error(rc);
    return nullptr;
  }
  w->packet_ = av_packet_alloc();
  AVStream* stream = avformat_new_stream(w->format_, nullptr);
  if (!w->packet_ || !stream) {
    error = "out of memory";
    return nullptr;
  }
  const AVRational rate = av_d2q(fps, 100'000);
  w->period_num_ = rate.den;
  w->period_den_ = rate.num;

  AVCodecParameters* par = stream->codecpar;
  par->codec_type = AVMEDIA_TYPE_VIDEO;
  par->codec_id = AV_CODEC_ID_MJPEG;
  par->codec_tag = MKTAG('M', 'J', 'P', 'G');
  par->width = width;
  par->height = height;
  // AVI has no timestamps, only a constant rate (dwRate/dwScale) taken from
  // this time base: one tick must be one frame.
  stream->time_base = av_inv_q(rate);
  stream->avg_frame_rate = rate;
  stream->r_frame_rate = rate;

  rc = avio_open(&w->format_->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) {
    error = "cannot create the file: " + av_error(rc);
    return nullptr;
  }
  rc = avformat_write_header(w->format_, nullptr);
  if (rc < 0) {
    error = "cannot write the header: " + av_error(rc);
    return nullptr;
  }
  w->header_written_ = true;
  return w;
}

avi_writer::~avi_writer() {
  (void)finish();
  av_packet_free(&packet_);
  avformat_free_context(format_);
}

std::string avi_writer::write(std::span<const std::uint8_t> jpeg, std::int64_t index) {
  const AVRational period{period_num_, period_den_};
  const AVRational time_base = format_->streams[0]->time_base;
  // A packet without a buffer reference: the muxer only reads it, or copies it to keep it.
  packet_->data = const_cast<std::uint8_t*>(jpeg.data());
  packet_->size = static_cast<int>(jpeg.size());
  packet_->stream_index = 0;
  packet_->pts = av_rescale_q(index, period, time_base);
  packet_->dts = packet_->pts;
  packet_->duration = av_rescale_q(1, period, time_base);
  packet_->flags = AV_PKT_FLAG_KEY;
  const int rc = av_interleaved_write_frame(format_, packet_);
  return rc < 0 ? "cannot write a frame: " + av_error(rc) : std::string{};
}

std::string avi_writer::finish() {
  if (!format_ || !format_->pb) return {};
  const int trailer = header_written_ ? av_write_trailer(format_) : 0;
  header_written_ = false;
  const int closed = avio_closep(&format_->pb);
  if (trailer < 0) return "cannot write the index: " + av_error(trailer);
  if (closed < 0) return "cannot close the file: " + av_error(closed);
  return {};
}

}  // namespace chatnode::video
