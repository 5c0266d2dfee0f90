#include "chatnode/web/ws_session.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/json.hpp>

#include "chatnode/endpoint.hpp"
#include "chatnode/protocol/utf8.hpp"
#include "chatnode/web/responses.hpp"
#include "chatnode/web/server_state.hpp"

namespace chatnode::web {

ws_session::ws_session(page_stream stream, connection_slots::slot slot, std::shared_ptr<server_state> state)
    : ws_(std::move(stream)),
      slot_(std::move(slot)),
      executor_(ws_.get_executor()),
      state_(std::move(state)),
      outbox_(state_->cfg.event_budget),
      wake_(executor_, clock::time_point::max()),
      watchdog_(executor_) {}

void ws_session::start(page_stream stream, connection_slots::slot slot, request req,
                       const std::shared_ptr<server_state>& state) {
  auto s = std::make_shared<ws_session>(std::move(stream), std::move(slot), state);
  net::co_spawn(
      s->executor_, [s, req = std::move(req)]() mutable { return s->run(std::move(req)); },
      log_failure{state, "WebSocket session"});
}

awaitable<void> ws_session::run(request req) {
  using namespace net::experimental::awaitable_operators;
  // Registered before the handshake, so stop() can cut a stalled one short.
  if (!state_->clients.add(shared_from_this())) co_return;
  registration reg(state_->clients, this);

  // Beast's WebSocket timeouts (handshake, idle pings) replace the tcp_stream's,
  // which must then never expire on its own.
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(
      websocket::stream_base::decorator([](websocket::response_type& res) { add_security_headers(res.base()); }));
  ws_.read_message_max(max_page_message_bytes);

  auto [ec] = co_await ws_.async_accept(req, use_nothrow);
  if (ec || close_) co_return;  // a failed handshake, or stop() during it
  open_ = true;
  // The state message is a snapshot taken now, so events published during the
  // handshake (dropped while !open_) are already in it.
  if (!outbox_.push_event(std::make_shared<const std::string>(state_->app.state_json())))
    request_close(websocket::close_code::internal_error, "state too large");

  co_await (read_loop() || write_loop() || watchdog_.run_then([this] { beast::get_lowest_layer(ws_).close(); }));
  beast::get_lowest_layer(ws_).close();
}

void ws_session::stop() {
  net::post(executor_, [self = shared_from_this()] {
    if (!self->open_) {
      // Still in the handshake: nobody to say goodbye to.
      self->close_ = websocket::close_reason(websocket::close_code::going_away);
      beast::get_lowest_layer(self->ws_).close();
      return;
    }
    self->request_close(websocket::close_code::going_away, "node shutting down");
  });
}

void ws_session::deliver(const std::shared_ptr<const std::string>& event) {
  net::post(executor_, [self = shared_from_this(), event] {
    if (!self->open_ || self->close_) return;
    if (!self->outbox_.push_event(event)) {
      // The page stopped reading: it would only fall further behind.
      self->request_close(websocket::close_code::policy_error, "too slow: events not read");
      return;
    }
    self->wake_writer();
  });
}

void ws_session::deliver_frame(int peer, const video::frame_ptr& frame) {
  if (!mailbox_.put(peer, frame)) return;  // a take() is already on its way
  net::post(executor_, [self = shared_from_this()] {
    auto frames = self->mailbox_.take();
    if (!self->open_ || self->close_) return;
    for (auto& [p, f] : frames) self->outbox_.offer_frame(p, std::move(f));
    self->wake_writer();
  });
}

void ws_session::request_close(websocket::close_code code, std::string_view reason) {
  if (close_) return;
  close_ = websocket::close_reason(code, beast::string_view(reason.data(), reason.size()));
  outbox_.drop_frames();
  close_deadline_ = clock::now() + state_->cfg.close_timeout;
  update_deadline();
  wake_writer();
}

void ws_session::update_deadline() { watchdog_.expires_at(std::min(write_deadline_, close_deadline_)); }

awaitable<void> ws_session::read_loop() {
  for (;;) {
    read_buffer_.clear();
    auto [ec, n] = co_await ws_.async_read(read_buffer_, use_nothrow);
    // The page left, or Beast closed the connection itself (a message over
    // read_message_max: close_code::too_big; invalid UTF-8 in a text message:
    // bad_payload), or the idle timeout, or stop().
    if (ec) co_return;
    if (close_) continue;  // closing: discard until the close handshake ends the read
    if (!ws_.got_text()) {
      request_close(websocket::close_code::unknown_data, "binary messages are not accepted");
      continue;
    }
    handle_message(beast::buffers_to_string(read_buffer_.data()));
  }
}

awaitable<void> ws_session::write_loop() {
  for (;;) {
    if (close_) {
      // Whatever the outcome, this connection is over.
      co_await ws_.async_close(*close_, use_nothrow);
      co_return;
    }
    if (!outbox_.has_pending()) {
      const bool stop = co_await cancelled_after(wake_);
      if (stop) co_return;
      continue;
    }
    // Frames the link cannot take now give way to newer ones; events still go.
    if (outbox_.has_frames() && !gate_.open(beast::get_lowest_layer(ws_).socket().native_handle())) {
      outbox_.drop_frames();
      if (!outbox_.has_pending()) continue;
    }
    const auto m = outbox_.next();
    ws_.binary(m.binary);
    write_deadline_ = clock::now() + state_->cfg.write_timeout;
    update_deadline();
    auto [ec, n] = co_await ws_.async_write(m.buffers, use_nothrow);
    write_deadline_ = clock::time_point::max();
    update_deadline();
    if (ec) co_return;
    outbox_.written();
  }
}

void ws_session::handle_message(std::string_view json) {
  error_code ec;
  auto value = boost::json::parse(json, ec);
  const auto* msg = ec ? nullptr : value.if_object();
  const auto* type = msg ? msg->if_contains("type") : nullptr;
  if (!type || !type->is_string()) return reply_error("expected a JSON object with a \"type\"");

  if (type->get_string() == "text") {
    const auto* text = msg->if_contains("text");
    if (!text || !text->is_string()) return reply_error("a text message needs a \"text\" string");
    const std::string_view body(text->get_string().data(), text->get_string().size());
    if (body.size() > max_page_text_bytes)
      return request_close(websocket::close_code::too_big, "text over 65536 bytes");
    // Boost.JSON checks the raw bytes; escapes such as a lone "\ud800" are checked here.
    if (!protocol::is_valid_utf8(body)) return reply_error("text is not valid UTF-8");
    if (body.empty()) return;
    state_->app.send_text(std::string(body));
    return;
  }
  if (type->get_string() == "connect") {
    const auto* to = msg->if_contains("to");
    if (!to || !to->is_string()) return reply_error("a connect message needs a \"to\" string");
    const std::string_view target(to->get_string().data(), to->get_string().size());
    try {
      (void)parse_connect_address(target);
    } catch (const std::invalid_argument& e) {
      return reply_error(e.what());
    }
    state_->app.connect_to(std::string(target));
    return;
  }
  reply_error("unknown message type");
}

void ws_session::reply_error(std::string_view text) {
  boost::json::object o{{"type", "error"}, {"text", text}};
  if (!outbox_.push_event(std::make_shared<const std::string>(boost::json::serialize(o))))
    return request_close(websocket::close_code::policy_error, "too slow: events not read");
  wake_writer();
}

}  // namespace chatnode::web
