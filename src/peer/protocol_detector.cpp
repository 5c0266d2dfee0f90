#include "chatnode/peer/protocol_detector.hpp"

#include <array>

#include "chatnode/protocol/errors.hpp"

namespace chatnode::peer {

awaitable<detected_protocol> detect_protocol(tcp::socket& socket, std::chrono::milliseconds deadline) {
  using namespace net::experimental::awaitable_operators;
  detected_protocol d;
  net::steady_timer timer(socket.get_executor(), deadline);
  // The teaching text chat reads 512 bytes at a time; reading as much keeps its first message whole.
  std::array<std::uint8_t, 512> chunk;
  for (;;) {
    const auto verdict = protocol::sniff(d.bytes);
    if (verdict.status == protocol::sniff_status::decided) {
      d.protocol = verdict.protocol;
      co_return d;
    }
    if (verdict.status == protocol::sniff_status::refused) {
      d.failure = "protocol error: " + make_error_code(protocol::errc::unknown_protocol).message();
      co_return d;
    }
    auto outcome = co_await (socket.async_read_some(net::buffer(chunk), use_nothrow) || timer.async_wait(use_nothrow));
    if (outcome.index() == 1) {
      d.failure =
          "no handshake within " + std::to_string(deadline.count()) + " ms (a text client must send a line first)";
      co_return d;
    }
    const auto [ec, n] = std::get<0>(outcome);
    if (ec) {
      d.failure = ec == net::error::eof ? "closed before saying anything recognisable" : ec.message();
      co_return d;
    }
    d.bytes.insert(d.bytes.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  }
}

}  // namespace chatnode::peer
