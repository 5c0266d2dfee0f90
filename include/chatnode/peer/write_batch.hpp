// One step of a write loop, shared by both kinds of peer: the next gather
// write their outbox has ready, and its counting.
#pragma once

#include <vector>

#include "chatnode/net.hpp"
#include "chatnode/peer/link.hpp"
#include "chatnode/stats/peer_stats.hpp"

namespace chatnode::peer {

/// Writes what `box` has prepared (outbox or teaching_outbox) in one gather write
/// and counts the bytes and whole frames sent; the error when the write failed.
/// `Stream` is a tcp::socket or a link.
template <class Stream, class Outbox>
awaitable<error_code> write_batch(Stream& stream, Outbox& box, std::vector<net::const_buffer>& buffers,
                                  stats::peer_stats& stats) {
  box.prepare(buffers);
  const auto frames_before = box.video_frames_sent();
  std::tuple<error_code, std::size_t> result;
  if constexpr (std::is_same_v<Stream, link>)
    result = co_await stream.write(buffers);
  else
    result = co_await net::async_write(stream, buffers, use_nothrow);
  const auto [ec, n] = result;
  if (ec) co_return ec;
  box.written();
  stats.bytes_sent.fetch_add(n, std::memory_order_relaxed);
  stats.frames_sent.fetch_add(box.video_frames_sent() - frames_before, std::memory_order_relaxed);
  co_return error_code{};
}

}  // namespace chatnode::peer
