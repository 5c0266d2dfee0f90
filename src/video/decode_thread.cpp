#include "chatnode/video/decode_thread.hpp"

#include <pthread.h>

#include "chatnode/clock.hpp"

namespace chatnode::video {

decode_thread::decode_thread(std::unique_ptr<jpeg_codec> codec, std::vector<std::shared_ptr<frame_sink>> sinks)
    : codec_(std::move(codec)), sinks_(std::move(sinks)), thread_([this](const std::stop_token& st) { loop(st); }) {}

decode_thread::~decode_thread() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void decode_thread::submit(int peer, std::string peer_name, std::shared_ptr<stats::peer_stats> stats, frame_ptr frame,
                           std::int64_t first_chunk_ns, std::int64_t complete_ns) {
  {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = pending_.try_emplace(peer);
    if (!fresh) it->second.stats->frames_skipped.fetch_add(1, std::memory_order_relaxed);
    it->second = job{std::move(peer_name), std::move(stats), std::move(frame), first_chunk_ns, complete_ns};
  }
  wake_.notify_one();
}

void decode_thread::peer_closed(int peer) {
  {
    std::lock_guard lock(mutex_);
    closed_.push_back(peer);
  }
  wake_.notify_one();
}

void decode_thread::loop(const std::stop_token& stop) {
  pthread_setname_np(pthread_self(), "decode");
  for (;;) {
    std::map<int, job> jobs;
    std::vector<int> closed;
    {
      std::unique_lock lock(mutex_);
      if (!wake_.wait(lock, stop, [this] { return !pending_.empty() || !closed_.empty(); })) return;
      jobs.swap(pending_);
      closed.swap(closed_);
    }
    for (auto& [peer, j] : jobs) {
      decode(peer, j);
      if (stop.stop_requested()) return;
    }
    for (int peer : closed)
      for (auto& s : sinks_) s->peer_closed(peer);
  }
}

void decode_thread::decode(int peer, job& j) {
  auto& st = *j.stats;
  const auto decode_begin = steady_ns();
  const auto& f = *j.frame;
  if (codec_->decode(f.jpeg(), image_)) {
    st.frames_undecodable.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // The capture time is the peer's to choose, so the arithmetic is modular (no
  // signed overflow whatever it says), and a latency outside a second early to
  // an hour late tells nothing about the link: it is not counted.
  const auto offset = static_cast<std::uint64_t>(st.clock_offset_us.load(std::memory_order_relaxed));
  const auto latency = static_cast<std::int64_t>(wall_us() - (f.capture_us() - offset));
  if (latency > -1'000'000 && latency < 3'600'000'000) st.latency_us.add(latency);
  st.frames_decoded.fetch_add(1, std::memory_order_relaxed);
  st.width = image_.cols;
  st.height = image_.rows;

  decoded_frame d;
  d.peer = peer;
  d.peer_name = std::move(j.peer_name);
  d.header.frame_seq = f.seq();
  d.header.total_bytes = static_cast<std::uint32_t>(f.jpeg().size());
  d.header.capture_us = f.capture_us();
  d.header.width = static_cast<std::uint16_t>(f.width());
  d.header.height = static_cast<std::uint16_t>(f.height());
  d.header.origin = f.origin();
  d.first_chunk_ns = j.first_chunk_ns;
  d.complete_ns = j.complete_ns;
  d.decode_begin_ns = decode_begin;
  d.decode_end_ns = steady_ns();
  d.jpeg = std::shared_ptr<const std::vector<std::uint8_t>>(j.frame, &f.jpeg());  // shares the frame, no copy
  d.image = image_;
  for (auto& s : sinks_) s->consume(d);
}

}  // namespace chatnode::video
