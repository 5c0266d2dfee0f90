// Video to browsers: /video/N.mjpg viewers, and pages or viewers that stop reading.
#include <catch2/catch.hpp>

#include "chatnode/web/mjpeg_stream.hpp"
#include "web_fixture.hpp"

using namespace web_test;

TEST_CASE("/video/N.mjpg streams peer N's frames as JPEG parts that decode", "[web][video]") {
  test_server srv;
  client_io io;
  mjpeg_viewer viewer(io.ctx);
  const auto head = io.run(viewer.open(srv.port(), "/video/1.mjpg"));
  CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(head.find("Content-Type: multipart/x-mixed-replace; boundary=" + std::string(web::mjpeg_boundary) + "\r\n") !=
        std::string::npos);
  CHECK(head.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
  CHECK(head.find("Content-Security-Policy: ") != std::string::npos);

  for (std::uint32_t i = 1; i <= 3; ++i) {
    srv.server().publish_frame(2, make_frame(100 + i, 32, 16));  // another peer's: not in this stream
    const auto f = make_frame(i, 80, 60);
    srv.server().publish_frame(1, f);
    const auto jpeg = io.run(viewer.part());
    CHECK(jpeg == std::string(f->jpeg().begin(), f->jpeg().end()));
    const auto img = decode_jpeg(jpeg);
    REQUIRE_FALSE(img.empty());
    CHECK((img.cols == 80 && img.rows == 60));
  }
  CHECK(srv.stop());
}

TEST_CASE("a viewer that stops reading is closed at the write deadline while others carry on", "[web][video][slow]") {
  web::web_config cfg;
  cfg.write_timeout = 1500ms;
  test_server srv(cfg);
  client_io io;
  mjpeg_viewer stalled(io.ctx), watching(io.ctx);
  stalled.socket.open(tcp::v4());
  stalled.socket.set_option(net::socket_base::receive_buffer_size(4096));
  io.run(stalled.open(srv.port(), "/video/0.mjpg"));
  io.run(watching.open(srv.port(), "/video/0.mjpg"));

  // Noise doesn't compress: 40 such frames are far more than the kernel
  // buffers (4 MiB at most) can hold for the stalled viewer.
  std::vector<chatnode::video::frame_ptr> noisy;
  for (std::uint32_t i = 1; i <= 4; ++i) noisy.push_back(make_frame(i, 640, 480, true));
  // The kernel keeps absorbing some of what the stalled viewer doesn't read,
  // so frames keep coming until its write deadline closes it.
  REQUIRE(srv.server().connections() == 2);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  std::size_t parts = 0;
  while (srv.server().connections() == 2 && std::chrono::steady_clock::now() < deadline) {
    srv.server().publish_frame(0, noisy[parts % noisy.size()]);
    const auto jpeg = io.run(watching.part());
    ++parts;
    if (parts % 8 == 0) CHECK_FALSE(decode_jpeg(jpeg).empty());
  }
  CHECK(srv.server().connections() == 1);
  for (std::size_t i = 0; i < 3; ++i) {  // the healthy viewer carries on
    srv.server().publish_frame(0, noisy[i]);
    CHECK(io.run(watching.part()) == std::string(noisy[i]->jpeg().begin(), noisy[i]->jpeg().end()));
  }

  // The stalled viewer's connection ends: reading it drains what the kernel
  // holds, then meets the end of the stream.
  const bool ended = io.run(
      [](tcp::socket& s) -> awaitable<bool> {
        std::array<char, 65536> sink;
        for (;;) {
          auto [ec, n] = co_await s.async_read_some(net::buffer(sink), use_nothrow);
          if (ec) co_return true;
        }
      }(stalled.socket),
      30s);
  CHECK(ended);
  CHECK(srv.stop());
}

TEST_CASE("a page that stops reading is closed while another keeps receiving", "[web][ws][slow]") {
  web::web_config cfg;
  cfg.event_budget = 64 * 1024;
  cfg.write_timeout = 2s;
  test_server srv(cfg);

  // The stalled page: handshake and state, then it never reads again.
  client_io stalled_io;
  ws_stream stalled(stalled_io.ctx);
  beast::get_lowest_layer(stalled).socket().open(tcp::v4());
  beast::get_lowest_layer(stalled).socket().set_option(net::socket_base::receive_buffer_size(4096));
  stalled_io.run(ws_connect(stalled, srv.port(), srv.host(), "/ws", srv.origin()));
  REQUIRE_FALSE(stalled_io.run(ws_read(stalled)).ec);

  // The healthy page reads on a thread of its own until the end marker.
  std::atomic<int> events{0}, frames{0};
  std::atomic<bool> marker{false}, healthy_failed{false};
  client_io healthy_io;
  ws_stream healthy(healthy_io.ctx);
  healthy_io.run(ws_connect(healthy, srv.port(), srv.host(), "/ws", srv.origin()));
  REQUIRE(healthy_io.run(ws_read(healthy)).data == fake_backend::state);
  std::thread reader([&] {
    try {
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (!marker && std::chrono::steady_clock::now() < deadline) {
        const auto m = healthy_io.run(ws_read(healthy), 30s);
        if (m.ec) break;
        if (m.binary)
          ++frames;
        else if (m.data == R"({"type":"marker"})")
          marker = true;
        else
          ++events;
      }
    } catch (...) {
      healthy_failed = true;
    }
  });

  std::vector<chatnode::video::frame_ptr> noisy;
  for (std::uint32_t i = 1; i <= 4; ++i) noisy.push_back(make_frame(i, 320, 240, true));
  constexpr int frame_count = 200, event_count = 10000;
  const std::string event = R"({"type":"text","from":"load","text":"0123456789","time":1})";
  int published = 0;
  for (int f = 0; f < frame_count; ++f) {
    srv.server().publish_frame(1, noisy[static_cast<std::size_t>(f) % noisy.size()]);
    for (int e = 0; e < event_count / frame_count; ++e, ++published) srv.server().publish(event);
    // Pace the load to what the healthy page reads: this tests the stalled
    // page's bound, not the healthy page's burst tolerance.
    const auto wait_until = std::chrono::steady_clock::now() + 10s;
    while (published - events > 400 && std::chrono::steady_clock::now() < wait_until && !healthy_failed)
      std::this_thread::sleep_for(1ms);
  }
  // The kernel may still be taking the stalled page's bytes (a socket's send
  // buffer grows to megabytes on loopback): frames keep coming, as from a
  // camera, until the stalled page is closed for not reading (bounded).
  int extra_frames = 0;
  for (const auto until = std::chrono::steady_clock::now() + 30s;
       srv.server().connections() > 1 && extra_frames < 3000 && std::chrono::steady_clock::now() < until;
       ++extra_frames) {
    srv.server().publish_frame(1, noisy[static_cast<std::size_t>(extra_frames) % noisy.size()]);
    std::this_thread::sleep_for(10ms);
  }
  CHECK(srv.server().connections() == 1);
  srv.server().publish(R"({"type":"marker"})");
  reader.join();
  CHECK_FALSE(healthy_failed);
  CHECK(marker);
  CHECK(events == event_count);  // every event, none lost
  CHECK(frames > 0);
  CHECK(frames <= frame_count + extra_frames);

  // The stalled page was closed: draining its socket ends, with far fewer
  // messages than were published.
  int stalled_messages = 0;
  for (;;) {
    const auto m = stalled_io.run(ws_read(stalled), 30s);
    if (m.ec) break;
    ++stalled_messages;
  }
  CHECK(stalled_messages < event_count);
  CHECK(srv.stop());
}
