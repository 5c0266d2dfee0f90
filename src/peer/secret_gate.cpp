#include "chatnode/peer/secret_gate.hpp"

#include <array>

#include "chatnode/protocol/errors.hpp"

namespace chatnode::peer {
namespace {

gate_result refused(error_code ec, std::string reason) { return {false, ec, std::move(reason), {}}; }

}  // namespace

awaitable<gate_result> pass_secret_gate(link& l, security::secret_exchange& exchange,
                                        std::vector<std::uint8_t> already_read, std::chrono::milliseconds deadline) {
  using namespace net::experimental::awaitable_operators;
  // One deadline for the whole exchange, writes included, so a peer that
  // neither reads nor writes cannot hold the connection.
  net::steady_timer timer(l.socket().get_executor(), deadline);
  const auto timed_out = [&] {
    return refused(net::error::timed_out, "no secret exchange within " + std::to_string(deadline.count()) + " ms");
  };
  const auto socket_failed = [&exchange](const error_code& ec) {
    // A listener that finds our proof wrong closes without a word: that is its verdict.
    if (exchange.awaiting_listener_proof() && (ec == net::error::eof || ec == net::error::connection_reset))
      return refused(protocol::errc::wrong_secret, "wrong secret (the peer closed the connection on our proof)");
    return refused(ec, ec == net::error::eof ? "closed during the secret exchange" : ec.message());
  };

  std::vector<std::uint8_t> buffer = std::move(already_read);
  const auto opening = exchange.opening();
  auto sent = co_await (l.write(net::buffer(opening)) || timer.async_wait(use_nothrow));
  if (sent.index() == 1) co_return timed_out();
  if (const auto [ec, n] = std::get<0>(sent); ec) co_return socket_failed(ec);

  std::array<std::uint8_t, 512> chunk;
  for (;;) {
    auto step = exchange.feed(buffer);
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(step.consumed));
    // A connector's proof goes out with its challenge answered; a listener's
    // only with the connector's proof accepted (security/secret_exchange.hpp).
    if (!step.reply.empty()) {
      auto r = co_await (l.write(net::buffer(step.reply)) || timer.async_wait(use_nothrow));
      if (r.index() == 1) co_return timed_out();
      if (const auto [ec, n] = std::get<0>(r); ec) co_return socket_failed(ec);
    }
    if (step.status == security::exchange_status::accepted) co_return gate_result{true, {}, {}, std::move(buffer)};
    if (step.status == security::exchange_status::refused) co_return refused(step.error, step.error.message());

    auto got = co_await (l.read_some(net::buffer(chunk)) || timer.async_wait(use_nothrow));
    if (got.index() == 1) co_return timed_out();
    const auto [ec, n] = std::get<0>(got);
    if (ec) co_return socket_failed(ec);
    buffer.insert(buffer.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  }
}

}  // namespace chatnode::peer
