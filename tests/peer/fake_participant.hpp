// A participant with no connection behind it: it records what the room sends
// it, so the room's rules (fan-out, resume, dedup, bounds) are tested without
// sockets, in the style of Boost.Redis's state-machine tests.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "chatnode/peer/participant.hpp"

namespace peer_test {

namespace peer = chatnode::peer;
namespace protocol = chatnode::protocol;

class fake_participant final : public peer::participant {
 public:
  fake_participant(chatnode::net::any_io_executor ex, int id, std::string name, std::uint64_t node_id)
      : participant(std::move(ex), "192.0.2.1:" + std::to_string(40000 + id), id) {
    peer_.name = std::move(name);
    peer_.node_id = node_id;
    peer_.capabilities = protocol::cap_text;
  }

  chatnode::awaitable<void> run() override { co_return; }
  void send_text(peer::outgoing_text t) override {
    texts.push_back(t.seq);
    sent.push_back(std::move(t));
  }
  void send_video(chatnode::video::frame_set_ptr) override {}
  void stop(protocol::bye_reason reason, std::string, bool) override {
    stopped = true;
    stop_reason = reason;
  }
  bool ended_in_order() const override { return in_order; }
  void abandon(std::string reason) override { abandoned = std::move(reason); }
  std::string resume_key() const override { return peer::node_resume_key(peer_.node_id); }
  void acknowledge(std::uint64_t seq) override { acknowledged.push_back(seq); }

  std::vector<std::uint64_t> texts;         ///< sequence numbers the room sent us, in order
  std::vector<std::uint64_t> acknowledged;  ///< what room::stored() let us acknowledge
  std::vector<peer::outgoing_text> sent;    ///< the same texts, whole: what a lost link hands back
  bool stopped = false;
  protocol::bye_reason stop_reason = protocol::bye_reason::normal;
  bool in_order = false;  ///< what ended_in_order() answers: false is a lost link
  std::string abandoned;

  /// The bodies of the texts the room sent us, in order: "origin: body".
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& t : sent) {
      const auto m = protocol::decode_text(std::span<const std::uint8_t>(*t.frame).subspan(protocol::header_size));
      out.push_back(m ? m->origin + ": " + m->body : "undecodable");
    }
    return out;
  }
};

}  // namespace peer_test
