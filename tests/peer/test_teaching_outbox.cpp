// peer::teaching_outbox: what a teaching program's peer is sent next, driven
// like the write loop drives it (prepare, then written).
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "chatnode/peer/teaching_outbox.hpp"

using chatnode::peer::teaching_outbox;

namespace {

std::shared_ptr<const std::string> line(const std::string& s) { return std::make_shared<const std::string>(s); }

chatnode::video::frame_ptr frame(std::uint32_t seq, std::size_t size) {
  std::vector<std::uint8_t> jpeg(size, static_cast<std::uint8_t>(seq));
  return std::make_shared<const chatnode::video::encoded_frame>(seq, 0, 64, 48, "me", std::move(jpeg),
                                                                chatnode::video::stage_times{});
}

/// The next batch, as the bytes that would go out.
std::string next_batch(teaching_outbox& o) {
  std::vector<boost::asio::const_buffer> buffers;
  o.prepare(buffers);
  std::string wire;
  for (const auto& b : buffers) wire.append(static_cast<const char*>(b.data()), b.size());
  o.written();
  return wire;
}

}  // namespace

TEST_CASE("Lines go out in order, before a frame behind its 16-byte header", "[teaching_outbox]") {
  teaching_outbox o(1024);
  REQUIRE(o.push_line(line("alice: hi\n")));
  REQUIRE(o.push_line(line("bob: yo\n")));
  o.offer_video(frame(1, 5));
  CHECK(next_batch(o) == "alice: hi\nbob: yo\n5               " + std::string(5, '\x01'));
  CHECK_FALSE(o.has_pending());
  CHECK(o.video_frames_sent() == 1);
}

TEST_CASE("A newer frame replaces one not yet sent", "[teaching_outbox]") {
  teaching_outbox o(1024);
  o.offer_video(frame(1, 3));
  o.offer_video(frame(2, 4));
  CHECK(o.video_frames_replaced() == 1);
  CHECK(next_batch(o) == "4               " + std::string(4, '\x02'));
  o.offer_video(frame(3, 2));
  o.drop_pending_video();
  CHECK_FALSE(o.has_pending());
  CHECK(o.video_frames_replaced() == 2);
}

TEST_CASE("Text is bounded in bytes until written, and never dropped", "[teaching_outbox]") {
  teaching_outbox o(10);
  REQUIRE(o.push_line(line("12345\n")));
  CHECK_FALSE(o.push_line(line("12345\n")));  // 12 bytes would be over the budget
  CHECK(next_batch(o) == "12345\n");
  CHECK(o.push_line(line("12345\n")));  // written bytes no longer count
}
