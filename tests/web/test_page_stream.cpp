// page_stream, the plain-or-TLS stream under every web session: buffer
// sequences longer than it passes on at once, a plain stream asked for a TLS
// handshake, and cancellation through its type-erased handlers.
#include <catch2/catch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/read.hpp>

#include "web/web_fixture.hpp"

using namespace web_test;

namespace {

/// A connected pair on 127.0.0.1: `page` is the accepted end as a page_stream.
struct loopback_pair {
  net::io_context ctx;
  tcp::acceptor acceptor{ctx, {net::ip::make_address("127.0.0.1"), 0}};
  tcp::socket remote{ctx};
  std::optional<web::page_stream> page;

  loopback_pair() {
    remote.connect(acceptor.local_endpoint());
    page.emplace(beast::tcp_stream(acceptor.accept()));
  }
};

/// Runs `ctx` until `done` or 10 s have passed.
void run_until(net::io_context& ctx, const bool& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  ctx.restart();
  while (!done && std::chrono::steady_clock::now() < deadline)
    if (ctx.run_one_until(deadline) == 0) break;
}

}  // namespace

TEST_CASE("page_stream writes and reads a sequence of more buffers than it passes on at once", "[web][page_stream]") {
  loopback_pair p;
  constexpr std::size_t pieces = 3 * web::page_stream::max_buffers + 5;
  std::vector<std::string> data;
  std::vector<net::const_buffer> out;
  for (std::size_t i = 0; i < pieces; ++i) data.push_back(std::string(1000 + i, static_cast<char>('a' + i % 26)));
  for (const auto& d : data) out.push_back(net::buffer(d));
  std::string all;
  for (const auto& d : data) all += d;

  bool written = false;
  error_code write_ec;
  std::size_t write_n = 0;
  net::async_write(*p.page, out, [&](error_code ec, std::size_t n) {
    write_ec = ec;
    write_n = n;
    written = true;
  });
  std::string received(all.size(), '\0');
  bool read_back = false;
  net::async_read(p.remote, net::buffer(received), [&](error_code, std::size_t) { read_back = true; });
  run_until(p.ctx, read_back);
  run_until(p.ctx, written);
  REQUIRE(written);
  CHECK_FALSE(write_ec);
  CHECK(write_n == all.size());
  CHECK(received == all);

  // And back: a read into as many buffers fills every one of them, in order.
  std::vector<std::string> in(pieces);
  std::vector<net::mutable_buffer> into;
  for (std::size_t i = 0; i < pieces; ++i) {
    in[i].resize(data[i].size());
    into.push_back(net::buffer(in[i]));
  }
  net::write(p.remote, net::buffer(all));
  bool read = false;
  std::size_t read_n = 0;
  net::async_read(*p.page, into, [&](error_code, std::size_t n) {
    read_n = n;
    read = true;
  });
  run_until(p.ctx, read);
  CHECK(read_n == all.size());
  CHECK(in == data);
}

TEST_CASE("a plain page_stream asked for a TLS handshake says it cannot, later, not inline", "[web][page_stream]") {
  loopback_pair p;
  CHECK_FALSE(p.page->encrypted());
  CHECK(p.page->native_handle() == nullptr);
  bool done = false;
  error_code result;
  p.page->async_handshake(net::ssl::stream_base::server, [&](error_code ec) {
    result = ec;
    done = true;
  });
  CHECK_FALSE(done);
  run_until(p.ctx, done);
  REQUIRE(done);
  CHECK(result == net::error::operation_not_supported);
}

TEST_CASE("a read on a page_stream ends when its cancellation slot is emitted", "[web][page_stream]") {
  loopback_pair p;
  net::cancellation_signal signal;
  std::array<char, 16> buffer{};
  bool done = false;
  error_code result;
  p.page->async_read_some(net::buffer(buffer),
                          net::bind_cancellation_slot(signal.slot(), [&](error_code ec, std::size_t) {
                            result = ec;
                            done = true;
                          }));
  // Nothing is sent, so only the cancellation can end the read.
  p.ctx.poll();
  CHECK_FALSE(done);
  signal.emit(net::cancellation_type::terminal);
  run_until(p.ctx, done);
  REQUIRE(done);
  CHECK(result == net::error::operation_aborted);
}
