// peer::outbox's video lane: the latest frame wins until it starts, a started
// frame is finished, and text never waits behind more than one chunk of it.
#include <catch2/catch.hpp>

#include "unit/outbox_scenario.hpp"

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

