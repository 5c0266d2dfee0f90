// The page's outbox: events bounded in bytes, one frame slot per peer, fair turns.
#include <catch2/catch.hpp>

#include "chatnode/web/ws_outbox.hpp"

namespace {

using chatnode::video::encoded_frame;
using chatnode::web::ws_outbox;

std::shared_ptr<const std::string> event(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

chatnode::video::frame_ptr frame(std::uint32_t seq) {
  return std::make_shared<const encoded_frame>(
      seq, 0, 2, 2, "cam", std::vector<std::uint8_t>{0xFF, 0xD8, std::uint8_t(seq)}, chatnode::video::stage_times{});
}

std::string text_of(const ws_outbox::message& m) {
  return std::string(static_cast<const char*>(m.buffers[0].data()), m.buffers[0].size());
}

}  // namespace

TEST_CASE("events go out in order, and the budget counts them until written", "[ws_outbox]") {
  ws_outbox box(10);
  REQUIRE(box.push_event(event("abcd")));
  REQUIRE(box.push_event(event("efgh")));
  CHECK_FALSE(box.push_event(event("ijk")));  // 11 bytes > 10: refused, nothing queued
  CHECK(box.event_bytes() == 8);
  auto m = box.next();
  CHECK_FALSE(m.binary);
  CHECK(text_of(m) == "abcd");
  CHECK(box.event_bytes() == 8);  // in flight still counts
  box.written();
  CHECK(box.event_bytes() == 4);
  CHECK(box.push_event(event("ij")));
  CHECK(text_of(box.next()) == "efgh");
  box.written();
  CHECK(text_of(box.next()) == "ij");
  box.written();
  CHECK_FALSE(box.has_pending());
  CHECK(box.event_bytes() == 0);
}

TEST_CASE("a newer frame replaces an unsent one of the same peer", "[ws_outbox]") {
  ws_outbox box;
  box.offer_frame(1, frame(1));
  box.offer_frame(1, frame(2));
  box.offer_frame(1, frame(3));
  CHECK(box.frames_replaced() == 2);
  auto m = box.next();
  REQUIRE(m.binary);
  CHECK(m.buffers[1].size() == 3);
  CHECK(static_cast<const std::uint8_t*>(m.buffers[1].data())[2] == 3);
  box.written();
  CHECK_FALSE(box.has_pending());
  CHECK(box.frames_sent() == 1);
}

TEST_CASE("a frame message starts with the peer number, 4 bytes big-endian", "[ws_outbox]") {
  ws_outbox box;
  const auto f = frame(9);
  box.offer_frame(0x01020304, f);
  const auto m = box.next();
  REQUIRE(m.binary);
  REQUIRE(m.buffers[0].size() == 4);
  const auto* p = static_cast<const std::uint8_t*>(m.buffers[0].data());
  CHECK((p[0] == 1 && p[1] == 2 && p[2] == 3 && p[3] == 4));
  CHECK(m.buffers[1].data() == f->jpeg().data());  // the shared JPEG itself, not a copy
}

TEST_CASE("events and frames take turns, and peers' frames go round-robin", "[ws_outbox]") {
  ws_outbox box;
  for (int i = 0; i < 3; ++i) REQUIRE(box.push_event(event("e" + std::to_string(i))));
  box.offer_frame(2, frame(20));
  box.offer_frame(5, frame(50));
  box.offer_frame(0, frame(1));
  std::vector<std::string> order;
  while (box.has_pending()) {
    const auto m = box.next();
    if (m.binary) {
      const auto* p = static_cast<const std::uint8_t*>(m.buffers[0].data());
      order.push_back("f" + std::to_string(p[3]));
    } else {
      order.push_back(text_of(m));
    }
    box.written();
  }
  CHECK(order == std::vector<std::string>{"e0", "f0", "e1", "f2", "e2", "f5"});
}

TEST_CASE("drop_frames forgets every waiting frame but no event", "[ws_outbox]") {
  ws_outbox box;
  box.offer_frame(1, frame(1));
  box.offer_frame(2, frame(2));
  REQUIRE(box.push_event(event("bye")));
  box.drop_frames();
  CHECK(box.frames_replaced() == 2);
  CHECK(text_of(box.next()) == "bye");
  box.written();
  CHECK_FALSE(box.has_pending());
}
