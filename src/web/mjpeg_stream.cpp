#include "chatnode/web/mjpeg_stream.hpp"

#include <array>

#include "chatnode/web/responses.hpp"
#include "chatnode/web/server_state.hpp"

namespace chatnode::web {

mjpeg_stream::mjpeg_stream(page_stream stream, connection_slots::slot slot, int peer,
                           std::shared_ptr<server_state> state)
    : stream_(std::move(stream)),
      slot_(std::move(slot)),
      executor_(stream_.get_executor()),
      peer_(peer),
      state_(std::move(state)),
      wake_(executor_, clock::time_point::max()),
      watchdog_(executor_) {}

void mjpeg_stream::start(page_stream stream, connection_slots::slot slot, int peer,
                         const std::shared_ptr<server_state>& state) {
  auto s = std::make_shared<mjpeg_stream>(std::move(stream), std::move(slot), peer, state);
  net::co_spawn(
      s->executor_, [s] { return s->run(); }, log_failure{state, "video stream"});
}

void mjpeg_stream::stop() {
  net::post(executor_, [self = shared_from_this()] {
    self->stopping_ = true;
    beast::get_lowest_layer(self->stream_).close();
  });
}

void mjpeg_stream::deliver_frame(int peer, const video::frame_ptr& frame) {
  if (peer != peer_ || !mailbox_.put(peer, frame)) return;
  net::post(executor_, [self = shared_from_this()] {
    auto frames = self->mailbox_.take();
    if (frames.empty()) return;
    self->pending_ = std::move(frames.begin()->second);
    self->wake_.cancel();
  });
}

awaitable<void> mjpeg_stream::run() {
  // The request's read timer has served; from here on the watchdog bounds each write.
  beast::get_lowest_layer(stream_).expires_never();
  using namespace net::experimental::awaitable_operators;
  if (!state_->clients.add(shared_from_this())) co_return;
  registration reg(state_->clients, this);

  if (!stopping_)
    co_await (read_loop() || write_loop() || watchdog_.run_then([this] { beast::get_lowest_layer(stream_).close(); }));
  error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream_).close();
}

std::string mjpeg_stream::response_head() {
  http::fields f;
  add_security_headers(f);
  f.set(http::field::content_type, "multipart/x-mixed-replace; boundary=" + std::string(mjpeg_boundary));
  f.set(http::field::cache_control, "no-store");
  // No length and no chunking: the body is every part until the connection closes.
  f.set(http::field::connection, "close");
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (const auto& field : f) head.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  return head + "\r\n";
}

template <class Buffers>
awaitable<bool> mjpeg_stream::write(const Buffers& buffers) {
  watchdog_.expires_at(clock::now() + state_->cfg.write_timeout);
  auto [ec, n] = co_await net::async_write(stream_, buffers, use_nothrow);
  watchdog_.expires_at(clock::time_point::max());
  co_return !ec;
}

awaitable<void> mjpeg_stream::read_loop() {
  // A viewer sends nothing after its request; this read ends when it leaves.
  std::array<char, 512> sink;
  for (;;) {
    auto [ec, n] = co_await stream_.async_read_some(net::buffer(sink), use_nothrow);
    if (ec) co_return;
  }
}

awaitable<void> mjpeg_stream::write_loop() {
  const auto head = response_head();
  const bool head_sent = co_await write(net::buffer(head));
  if (!head_sent) co_return;
  for (;;) {
    if (!pending_) {
      const bool stop = co_await cancelled_after(wake_);
      if (stop) co_return;
      continue;
    }
    const auto frame = std::move(pending_);
    pending_.reset();
    if (!gate_.open(beast::get_lowest_layer(stream_).socket().native_handle())) continue;  // a newer one will come
    const auto part_head = "--" + std::string(mjpeg_boundary) +
                           "\r\nContent-Type: image/jpeg\r\nContent-Length: " + std::to_string(frame->jpeg().size()) +
                           "\r\n\r\n";
    const std::array<net::const_buffer, 3> part{net::buffer(part_head), net::buffer(frame->jpeg()),
                                                net::buffer("\r\n", 2)};
    const bool written = co_await write(part);
    if (!written) co_return;
  }
}

}  // namespace chatnode::web
