// peer::outbox's video lane: the latest frame wins until it starts, a started
// frame is finished, and text never waits behind more than one chunk of it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "chatnode/protocol/frame_assembler.hpp"
#include "peer/outbox_scenario.hpp"

using namespace outbox_test;

TEST_CASE("The latest frame wins: a frame replaced before sending starts is never sent", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 2));
  ob.offer_video(make_frame(2, 2));
  CHECK(ob.video_frames_replaced() == 1);
  CHECK(drain(ob) == std::vector<batch>{{"video 2/0"}, {"video 2/1"}});
  CHECK(ob.video_frames_sent() == 1);
  CHECK(ob.video_frames_replaced() == 1);
}

TEST_CASE("A frame once started is sent to completion, chunk by chunk, while newer frames arrive", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 3));
  CHECK(send_batch(ob) == batch{"video 1/0"});
  ob.offer_video(make_frame(2, 3));
  CHECK(send_batch(ob) == batch{"video 1/1"});
  ob.offer_video(make_frame(3, 1));  // replaces frame 2, which never started
  CHECK(ob.video_frames_replaced() == 1);
  CHECK(send_batch(ob) == batch{"video 1/2"});
  CHECK(ob.video_frames_sent() == 1);
  CHECK(send_batch(ob) == batch{"video 3/0"});
  CHECK(ob.video_frames_sent() == 2);
  CHECK_FALSE(ob.has_pending());
}

TEST_CASE("Text never waits behind more than one video chunk", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 4));
  REQUIRE(ob.push_text(make_text(1)));
  CHECK(send_batch(ob) == batch{"text 1", "video 1/0"});
  REQUIRE(ob.push_text(make_text(2)));
  REQUIRE(ob.push_text(make_text(3)));
  CHECK(send_batch(ob) == batch{"text 2", "text 3", "video 1/1"});
  CHECK(send_batch(ob) == batch{"video 1/2"});
  REQUIRE(ob.push_text(make_text(4)));
  ob.push_control(proto::encode(proto::ping{7}));
  CHECK(send_batch(ob) == batch{"ping 7", "text 4", "video 1/3"});
  CHECK_FALSE(ob.has_pending());
}

TEST_CASE("drop_pending_video forgets a frame that has not started", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 2));
  ob.drop_pending_video();
  CHECK(ob.video_frames_replaced() == 1);
  CHECK_FALSE(ob.has_pending());
  CHECK(drain(ob).empty());
  CHECK(ob.video_frames_sent() == 0);
}

TEST_CASE("drop_pending_video lets the frame being sent finish", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 3));
  CHECK(send_batch(ob) == batch{"video 1/0"});
  ob.offer_video(make_frame(2, 1));
  ob.drop_pending_video();
  CHECK(ob.video_in_progress());
  CHECK(drain(ob) == std::vector<batch>{{"video 1/1"}, {"video 1/2"}});
  CHECK(ob.video_frames_sent() == 1);
  CHECK(ob.video_frames_replaced() == 1);
}

TEST_CASE("drop_pending_video while a chunk is being written does not cut the frame", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 2));
  std::vector<boost::asio::const_buffer> buffers;
  ob.prepare(buffers);  // chunk 0 is on its way
  ob.drop_pending_video();
  CHECK(describe_all(copy_out(buffers)) == batch{"video 1/0"});
  ob.written();
  CHECK(drain(ob) == std::vector<batch>{{"video 1/1"}});
  CHECK(ob.video_frames_sent() == 1);
}

TEST_CASE("A frame crowded out of a full batch has not started, so a newer frame still replaces it", "[outbox]") {
  // So many texts that the first batch has no room for a video chunk.
  outbox ob;
  for (std::uint64_t seq = 1; seq <= outbox::max_buffers_per_write; ++seq) REQUIRE(ob.push_text(make_text(seq)));
  ob.offer_video(make_frame(1, 2));
  const auto first = send_batch(ob);
  REQUIRE(first.size() == outbox::max_buffers_per_write);
  REQUIRE(first.back() == "text " + std::to_string(outbox::max_buffers_per_write));
  CHECK_FALSE(ob.video_in_progress());  // no chunk of frame 1 has gone out

  ob.offer_video(make_frame(2, 1));
  CHECK(ob.video_frames_replaced() == 1);
  CHECK(drain(ob) == std::vector<batch>{{"video 2/0"}});
  CHECK(ob.video_frames_sent() == 1);
}

TEST_CASE("Dropping a frame crowded out of a full batch counts it as replaced", "[outbox]") {
  outbox ob;
  for (std::uint64_t seq = 1; seq <= outbox::max_buffers_per_write; ++seq) REQUIRE(ob.push_text(make_text(seq)));
  ob.offer_video(make_frame(1, 2));
  send_batch(ob);
  ob.drop_pending_video();
  CHECK_FALSE(ob.has_pending());
  CHECK(ob.video_frames_sent() == 0);
  CHECK(ob.video_frames_replaced() == 1);  // every frame offered is either sent or counted
}

//------------------------------------------------------------------------------
// Chunks of a size set per link, and frames held back when the link cannot take them.

namespace outbox_chunk_test {

/// One video chunk as it went out. describe() labels a chunk by its index in
/// 32 KiB chunks; with smaller chunks these tests look at its offset instead.
struct sent_chunk {
  proto::video_chunk_header header;
  std::vector<std::uint8_t> data;
};

/// The video chunks in one batch's bytes, in order.
inline std::vector<sent_chunk> video_chunks_in(const bytes& wire) {
  std::vector<sent_chunk> out;
  std::size_t pos = 0;
  while (pos < wire.size()) {  // each round advances pos by at least header_size
    REQUIRE(wire.size() - pos >= proto::header_size);
    const std::size_t length = std::size_t{wire[pos + 4]} << 24 | std::size_t{wire[pos + 5]} << 16 |
                               std::size_t{wire[pos + 6]} << 8 | wire[pos + 7];
    REQUIRE(wire.size() - pos >= proto::header_size + length);
    if (static_cast<proto::frame_type>(wire[pos]) == proto::frame_type::video_chunk) {
      const auto c =
          proto::decode_video_chunk(std::span<const std::uint8_t>(wire).subspan(pos + proto::header_size, length));
      REQUIRE(c.has_value());
      out.push_back({c->header, std::vector<std::uint8_t>(c->data.begin(), c->data.end())});
    }
    pos += proto::header_size + length;
  }
  return out;
}

/// Write loop turns until nothing is pending, at most `max_turns`: every video chunk sent.
inline std::vector<sent_chunk> drain_video_chunks(outbox& ob, int max_turns = 100) {
  std::vector<sent_chunk> chunks;
  for (int turn = 0; turn < max_turns && ob.has_pending(); ++turn) {
    std::vector<boost::asio::const_buffer> buffers;
    ob.prepare(buffers);
    for (auto& c : video_chunks_in(copy_out(buffers))) chunks.push_back(std::move(c));
    ob.written();
  }
  CHECK_FALSE(ob.has_pending());
  return chunks;
}

/// The frame the assembler rebuilds from `chunks`, which must complete it with the last one.
inline std::vector<std::uint8_t> reassemble(const std::vector<sent_chunk>& chunks) {
  chatnode::protocol::frame_assembler assembler;
  std::vector<std::uint8_t> jpeg;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const auto r = assembler.add(proto::video_chunk{chunks[i].header, chunks[i].data});
    REQUIRE(r.has_value());
    if (i + 1 < chunks.size()) {
      CHECK_FALSE(r->has_value());
    } else {
      REQUIRE(r->has_value());
      jpeg = (*r)->jpeg;
    }
  }
  CHECK_FALSE(assembler.in_progress());
  return jpeg;
}

}  // namespace outbox_chunk_test

TEST_CASE("With a chunk size set, a frame goes out in chunks of that size that reassemble into its JPEG", "[outbox]") {
  using namespace outbox_chunk_test;
  outbox ob;
  ob.set_chunk_bytes(4096);
  const auto f = make_frame(1, 2);  // 32 KiB and 100 bytes: eight whole chunks of 4 KiB and a short one
  ob.offer_video(f);
  const auto chunks = drain_video_chunks(ob);
  REQUIRE(chunks.size() == 9);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    INFO("chunk " << i);
    CHECK(chunks[i].header.frame_seq == 1);
    CHECK(chunks[i].header.total_bytes == f->jpeg().size());
    CHECK(chunks[i].header.offset == i * 4096);
    CHECK(chunks[i].data.size() == (i + 1 < chunks.size() ? 4096 : 100));
  }
  CHECK(reassemble(chunks) == f->jpeg());
  CHECK(ob.video_frames_sent() == 1);
}

TEST_CASE("A chunk size set mid-frame applies from the next chunk on, and the frame still reassembles", "[outbox]") {
  using namespace outbox_chunk_test;
  outbox ob;
  const auto f = make_frame(2, 2);
  ob.offer_video(f);
  ob.set_chunk_bytes(20'000);
  std::vector<boost::asio::const_buffer> buffers;
  ob.prepare(buffers);
  ob.set_chunk_bytes(2048);  // while the first chunk is being written
  auto chunks = video_chunks_in(copy_out(buffers));
  ob.written();
  for (auto& c : drain_video_chunks(ob)) chunks.push_back(std::move(c));

  // 20 000, then 2048 at a time: 32 868 - 20 000 = 12 868 = 6 × 2048 + 580.
  REQUIRE(chunks.size() == 8);
  CHECK(chunks[0].data.size() == 20'000);
  std::size_t expected_offset = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    INFO("chunk " << i);
    CHECK(chunks[i].header.offset == expected_offset);
    if (i > 0) CHECK(chunks[i].data.size() == (i + 1 < chunks.size() ? 2048 : 580));
    expected_offset += chunks[i].data.size();
  }
  CHECK(expected_offset == f->jpeg().size());
  CHECK(reassemble(chunks) == f->jpeg());
}

TEST_CASE("Text goes out between small video chunks, one chunk a batch", "[outbox]") {
  outbox ob;
  ob.set_chunk_bytes(8192);
  ob.offer_video(make_frame(1, 2));
  REQUIRE(ob.push_text(make_text(1)));
  CHECK(send_batch(ob) == batch{"text 1", "video 1/0"});
  REQUIRE(ob.push_text(make_text(2)));
  const auto second = send_batch(ob);
  REQUIRE(second.size() == 2);
  CHECK(second.front() == "text 2");
  CHECK(second.back().rfind("video 1/", 0) == 0);
}

TEST_CASE("hold_back_waiting_video drops the waiting frame and counts it as held back", "[outbox]") {
  outbox ob;
  CHECK_FALSE(ob.video_waiting());
  ob.hold_back_waiting_video();  // nothing waits: nothing to count
  CHECK(ob.video_frames_held_back() == 0);

  const auto f = make_frame(1, 2);
  ob.offer_video(f);
  CHECK(ob.video_waiting());
  CHECK(ob.waiting_video() == f);
  ob.hold_back_waiting_video();
  CHECK(ob.video_frames_held_back() == 1);
  CHECK(ob.video_frames_replaced() == 0);
  CHECK_FALSE(ob.video_waiting());
  CHECK(ob.waiting_video() == nullptr);
  CHECK_FALSE(ob.has_pending());
  CHECK(drain(ob).empty());
  CHECK(ob.video_frames_sent() == 0);

  // The next frame goes out as usual.
  ob.offer_video(make_frame(2, 1));
  CHECK(drain(ob) == std::vector<batch>{{"video 2/0"}});
  CHECK(ob.video_frames_sent() == 1);
  CHECK(ob.video_frames_held_back() == 1);
}

TEST_CASE("hold_back_waiting_video does nothing to a frame already going out", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 3));
  CHECK(send_batch(ob) == batch{"video 1/0"});
  CHECK_FALSE(ob.video_waiting());
  ob.hold_back_waiting_video();
  CHECK(ob.video_frames_held_back() == 0);
  CHECK(ob.video_in_progress());

  // A newer frame waits behind it: not "waiting" while one is going out, so it is kept too.
  const auto next = make_frame(2, 1);
  ob.offer_video(next);
  CHECK_FALSE(ob.video_waiting());
  CHECK(ob.waiting_video() == next);
  ob.hold_back_waiting_video();
  CHECK(ob.video_frames_held_back() == 0);
  CHECK(drain(ob) == std::vector<batch>{{"video 1/1"}, {"video 1/2"}, {"video 2/0"}});
  CHECK(ob.video_frames_sent() == 2);
}

TEST_CASE("hold_back_waiting_video does nothing to a one-chunk frame whose chunk is being written", "[outbox]") {
  outbox ob;
  ob.offer_video(make_frame(1, 1));
  std::vector<boost::asio::const_buffer> buffers;
  ob.prepare(buffers);  // its only chunk is on its way
  CHECK_FALSE(ob.video_waiting());
  ob.hold_back_waiting_video();
  CHECK(ob.video_frames_held_back() == 0);
  CHECK(describe_all(copy_out(buffers)) == batch{"video 1/0"});
  ob.written();
  CHECK(ob.video_frames_sent() == 1);
  CHECK_FALSE(ob.has_pending());
}
