// peer::outbox: what a session writes next. Scenario tests in the style of
// Boost.Redis's writer_fsm tests: each drives prepare()/written() like the
// write loop does and checks the frames, in order, that went out in each batch.
// The video lane's own rules are in test_outbox_video.cpp.
#include <catch2/catch.hpp>

#include "peer/outbox_scenario.hpp"

using namespace outbox_test;

TEST_CASE("An empty outbox has nothing to send and everything acknowledged", "[outbox]") {
  outbox ob;
  CHECK_FALSE(ob.has_pending());
  CHECK(ob.all_acked());
  CHECK_FALSE(ob.video_in_progress());
  std::vector<boost::asio::const_buffer> buffers{boost::asio::buffer("stale", 5)};
  ob.prepare(buffers);
  CHECK(buffers.empty());
  ob.written();
  CHECK(ob.text_bytes() == 0);
}

TEST_CASE("A batch carries control frames, then the ack, then texts, then one video chunk", "[outbox]") {
  outbox ob;
  REQUIRE(ob.push_text(make_text(1)));
  ob.offer_video(make_frame(9, 2));
  ob.push_control(proto::encode(proto::ping{100}));
  ob.set_ack(5);
  REQUIRE(ob.push_text(make_text(2)));
  ob.push_control(proto::encode(proto::ping{101}));

  CHECK(send_batch(ob) == batch{"ping 100", "ping 101", "ack 5", "text 1", "text 2", "video 9/0"});
  CHECK(ob.video_in_progress());
  CHECK(send_batch(ob) == batch{"video 9/1"});
  CHECK_FALSE(ob.has_pending());
  CHECK_FALSE(ob.video_in_progress());
  CHECK(ob.video_frames_sent() == 1);
}

TEST_CASE("Only the newest acknowledgement is sent", "[outbox]") {
  outbox ob;
  ob.set_ack(1);
  ob.set_ack(2);
  ob.set_ack(7);
  CHECK(drain(ob) == std::vector<batch>{{"ack 7"}});
}

TEST_CASE("Text over the budget is refused and nothing is queued", "[outbox]") {
  const auto size = text_frame_size();
  outbox ob(2 * size);
  CHECK(ob.push_text(make_text(1)));
  CHECK(ob.push_text(make_text(2)));  // exactly at the budget
  CHECK(ob.text_bytes() == 2 * size);
  CHECK_FALSE(ob.push_text(make_text(3)));
  CHECK(ob.text_bytes() == 2 * size);
  CHECK(drain(ob) == std::vector<batch>{{"text 1", "text 2"}});
}

TEST_CASE("A text larger than the whole budget is refused", "[outbox]") {
  outbox ob(10);
  CHECK_FALSE(ob.push_text(make_text(1)));
  CHECK_FALSE(ob.has_pending());
  CHECK(ob.all_acked());
}

TEST_CASE("Sent text counts against the budget until it is acknowledged", "[outbox]") {
  const auto size = text_frame_size();
  outbox ob(2 * size);
  REQUIRE(ob.push_text(make_text(1)));
  REQUIRE(ob.push_text(make_text(2)));
  CHECK(send_batch(ob) == batch{"text 1", "text 2"});
  // On the wire but not acknowledged: still counted.
  CHECK(ob.text_bytes() == 2 * size);
  CHECK_FALSE(ob.push_text(make_text(3)));

  ob.acked(0);  // acknowledges nothing we sent
  CHECK(ob.text_bytes() == 2 * size);
  ob.acked(1);
  CHECK(ob.text_bytes() == size);
  CHECK(ob.push_text(make_text(3)));
  CHECK_FALSE(ob.push_text(make_text(4)));
  CHECK(send_batch(ob) == batch{"text 3"});
  ob.acked(3);
  CHECK(ob.text_bytes() == 0);
  CHECK(ob.all_acked());
}

TEST_CASE("all_acked holds only when no text is queued or unacknowledged", "[outbox]") {
  outbox ob;
  REQUIRE(ob.push_text(make_text(1)));
  CHECK_FALSE(ob.all_acked());
  send_batch(ob);
  CHECK_FALSE(ob.all_acked());  // sent, not acknowledged
  REQUIRE(ob.push_text(make_text(2)));
  ob.acked(1);
  CHECK_FALSE(ob.all_acked());  // the second one is still queued
  send_batch(ob);
  ob.acked(2);
  CHECK(ob.all_acked());
  // Video and control frames do not count.
  ob.offer_video(make_frame(1, 1));
  ob.push_control(proto::encode(proto::ping{1}));
  CHECK(ob.all_acked());
}

TEST_CASE("Buffers from prepare stay valid until written, even if acked runs in between", "[outbox]") {
  outbox ob;
  const auto ping = proto::encode(proto::ping{3});
  const auto text1 = proto::encode(proto::text_message{1, 0, "me", std::string(500, 'a')});
  const auto text2 = proto::encode(proto::text_message{2, 0, "me", std::string(700, 'b')});
  auto frame = make_frame(4, 2);
  bytes chunk0 = frame->chunk_prefix(frame->chunk_at(0));
  const auto data0 = frame->chunk_data(frame->chunk_at(0));
  chunk0.insert(chunk0.end(), data0.begin(), data0.end());

  // The outbox holds the only references to the frames it sends.
  ob.push_control(ping);
  ob.set_ack(11);
  REQUIRE(ob.push_text({1, std::make_shared<const bytes>(text1), nullptr}));
  REQUIRE(ob.push_text({2, std::make_shared<const bytes>(text2), nullptr}));
  ob.offer_video(std::move(frame));

  std::vector<boost::asio::const_buffer> buffers;
  ob.prepare(buffers);

  // Everything that can happen while the write is in flight.
  ob.acked(2);  // both texts acknowledged: no longer needed for resending
  ob.set_ack(12);
  for (std::uint64_t i = 0; i < 64; ++i) ob.push_control(proto::encode(proto::ping{1000 + i}));
  REQUIRE(ob.push_text(make_text(3, std::string(900, 'c'))));
  ob.offer_video(make_frame(5, 1));
  ob.drop_pending_video();
  ob.offer_video(make_frame(6, 1));

  bytes expected = ping;
  const auto ack = proto::encode(proto::ack{11});
  expected.insert(expected.end(), ack.begin(), ack.end());
  expected.insert(expected.end(), text1.begin(), text1.end());
  expected.insert(expected.end(), text2.begin(), text2.end());
  expected.insert(expected.end(), chunk0.begin(), chunk0.end());
  CHECK(copy_out(buffers) == expected);
  ob.written();

  const auto rest = drain(ob);
  REQUIRE(rest.size() == 2);
  CHECK(rest[0].size() == 64 + 3);  // 64 pings, the ack, text 3, chunk 1 of frame 4
  CHECK(rest[0][64] == "ack 12");
  CHECK(rest[0][65] == "text 3");
  CHECK(rest[0][66] == "video 4/1");
  CHECK(rest[1] == batch{"video 6/0"});
}

TEST_CASE("Many queued texts are split over writes without loss or reordering", "[outbox]") {
  outbox ob;
  const std::uint64_t count = outbox::max_buffers_per_write + 44;
  for (std::uint64_t seq = 1; seq <= count; ++seq) REQUIRE(ob.push_text(make_text(seq)));
  ob.offer_video(make_frame(1, 1));
  const auto batches = drain(ob);
  batch all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  batch expected;
  for (std::uint64_t seq = 1; seq <= count; ++seq) expected.push_back("text " + std::to_string(seq));
  expected.push_back("video 1/0");
  CHECK(all == expected);
  CHECK(batches.size() == 2);
}

TEST_CASE("A batch never holds more than max_buffers_per_write buffers", "[outbox]") {
  // 266 control frames and an acknowledgement: more than one write may carry.
  outbox ob;
  const std::size_t controls = outbox::max_buffers_per_write + 10;
  for (std::uint64_t i = 0; i < controls; ++i) ob.push_control(proto::encode(proto::ping{i}));
  ob.set_ack(3);
  REQUIRE(ob.push_text(make_text(1)));

  std::vector<std::size_t> sizes;
  std::size_t pings = 0, acks = 0, texts = 0;
  for (int turn = 0; turn < 10 && ob.has_pending(); ++turn) {
    std::vector<boost::asio::const_buffer> buffers;
    ob.prepare(buffers);
    sizes.push_back(buffers.size());
    for (const auto& label : describe_all(copy_out(buffers))) {
      pings += label.starts_with("ping");
      acks += label.starts_with("ack");
      texts += label.starts_with("text");
    }
    ob.written();
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    INFO("batch " << i);
    CHECK(sizes[i] <= outbox::max_buffers_per_write);
  }
  // Nothing is lost on the way.
  CHECK_FALSE(ob.has_pending());
  CHECK(pings == controls);
  CHECK(acks == 1);
  CHECK(texts == 1);
}

TEST_CASE("A lost link hands over every unacknowledged text, sent or not, oldest first", "[outbox]") {
  outbox ob;
  for (std::uint64_t seq = 1; seq <= 3; ++seq) REQUIRE(ob.push_text(make_text(seq)));
  CHECK(send_batch(ob) == batch{"text 1", "text 2", "text 3"});
  ob.acked(1);
  REQUIRE(ob.push_text(make_text(4)));  // queued, never written
  std::vector<std::uint64_t> seqs;
  for (const auto& t : ob.take_undelivered()) seqs.push_back(t.seq);
  CHECK(seqs == std::vector<std::uint64_t>{2, 3, 4});
  CHECK(ob.all_acked());
  CHECK(ob.text_bytes() == 0);
}

TEST_CASE("However fast the peer pings, one pong waits: the answer to its newest ping", "[outbox]") {
  outbox ob;
  ob.push_control(proto::encode(proto::ping{7}));
  for (std::uint64_t t1 = 1; t1 <= 100000; ++t1) ob.set_pong(t1, 5);
  ob.set_ack(2);
  CHECK(send_batch(ob) == batch{"ping 7", "pong 100000", "ack 2"});
  CHECK_FALSE(ob.has_pending());
  ob.set_pong(100001, 6);
  CHECK(send_batch(ob) == batch{"pong 100001"});
}

TEST_CASE("However often we ping while a write is held up, one ping waits: the newest", "[outbox]") {
  outbox ob;
  for (std::uint64_t t1 = 1; t1 <= 400; ++t1) ob.set_ping(t1);
  ob.set_pong(9, 5);
  CHECK(send_batch(ob) == batch{"ping 400", "pong 9"});
  CHECK_FALSE(ob.has_pending());
  ob.set_ping(401);
  CHECK(send_batch(ob) == batch{"ping 401"});
}

TEST_CASE("A pong is stamped when it goes out, not when the ping came", "[outbox]") {
  outbox ob;
  ob.set_pong(10, 20);
  std::vector<boost::asio::const_buffer> buffers;
  ob.prepare(buffers);
  const auto wire = copy_out(buffers);
  const auto pong = proto::decode_pong(std::span<const std::uint8_t>(wire).subspan(proto::header_size));
  REQUIRE(pong.has_value());
  CHECK(pong->t1_us == 10);
  CHECK(pong->t2_us == 20);
  CHECK(pong->t3_us >= 20);  // the wall clock now, long after the made-up t2
  ob.written();
}

TEST_CASE("One write carries at most max_text_bytes_per_write of text, in order, none lost", "[outbox]") {
  outbox ob;
  const std::string body(60000, 'x');
  const auto size = text_frame_size(body);
  const std::size_t per_write = outbox::max_text_bytes_per_write / size;
  REQUIRE(per_write >= 1);
  const std::size_t count = 3 * per_write + 1;
  for (std::uint64_t seq = 1; seq <= count; ++seq) REQUIRE(ob.push_text(make_text(seq, body)));
  std::uint64_t next = 1;
  for (int turn = 0; turn < 10 && ob.has_pending(); ++turn) {
    const auto b = send_batch(ob);
    CHECK(b.size() <= per_write);
    CHECK(b.size() * size <= outbox::max_text_bytes_per_write);
    for (const auto& label : b) CHECK(label == "text " + std::to_string(next++));
  }
  CHECK(next == count + 1);
}
