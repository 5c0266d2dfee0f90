// A teaching-program session on a real loopback connection whose peer stops
// reading: its write has a deadline, as a chat_node session's has.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "chatnode/peer/teaching_session.hpp"
#include "peer/on_loopback.hpp"

namespace {

using namespace std::chrono_literals;
namespace peer = chatnode::peer;
namespace video = chatnode::video;
using chatnode::tcp;

video::frame_set_ptr big_frame(std::uint32_t seq) {
  // The lecture protocol carries the bytes as they are: they need not decode.
  auto f = std::make_shared<const video::encoded_frame>(seq, 1'700'000'000'000'000ull, 640, 480, "host",
                                                        std::vector<std::uint8_t>(1 << 20, 0x5a), video::stage_times{});
  return std::make_shared<const video::frame_set>(std::vector<video::frame_ptr>{std::move(f)});
}

}  // namespace

TEST_CASE("a lecture-video peer that stops reading is cut off at the write deadline", "[session][teaching]") {
  peer::teaching_config cfg;
  cfg.write_timeout = 300ms;
  peer_test::on_loopback<peer::teaching_session> f([&](tcp::socket socket, peer::session_events& events) {
    return std::make_shared<peer::teaching_session>(std::move(socket), chatnode::protocol::wire_protocol::lecture_video,
                                                    1, cfg, events);
  });
  REQUIRE(f.events.wait_joined());
  // The peer reads nothing: frames go out until the kernel's buffers are full
  // and a write stalls. Bounded: 200 frames of 1 MiB are far more than loopback buffers hold.
  bool closed = false;
  for (std::uint32_t seq = 1; seq <= 200 && !closed; ++seq) {
    f.participant->send_video(big_frame(seq));
    closed = f.events.wait_closed(100ms).has_value();
  }
  if (!closed) closed = f.events.wait_closed().has_value();
  REQUIRE(closed);
  CHECK(f.events.closed_reason() == "the peer took nothing for 300 ms: it has stopped reading");
}
