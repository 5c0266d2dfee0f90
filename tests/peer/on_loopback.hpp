// A participant (either kind of session) on the accepting end of a real
// loopback connection, run by a thread of its own; a raw client plays the peer.
#pragma once

#include <memory>
#include <thread>

#include "chatnode/net.hpp"
#include "peer/recorded_events.hpp"
#include "support/raw_client.hpp"

namespace peer_test {

template <class Participant>
struct on_loopback {
  chatnode::net::io_context ioc;
  chatnode::tcp::acceptor acceptor{ioc, {chatnode::net::ip::make_address("127.0.0.1"), 0}};
  test_support::raw_client remote{acceptor.local_endpoint().port()};
  recorded_events events;
  std::shared_ptr<Participant> participant;
  std::thread runner;

  /// `make(socket, events)` builds the participant on the accepted socket, which has a strand of its own.
  template <class Make>
  explicit on_loopback(Make make) {
    chatnode::tcp::socket socket(chatnode::net::make_strand(ioc));
    acceptor.accept(socket);
    const auto executor = socket.get_executor();
    participant = make(std::move(socket), events);
    chatnode::net::co_spawn(executor, participant->run(), chatnode::net::detached);
    runner = std::thread([this] { ioc.run(); });
  }
  ~on_loopback() {
    ioc.stop();
    runner.join();
  }
};

}  // namespace peer_test
