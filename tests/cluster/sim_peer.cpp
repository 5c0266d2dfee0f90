#include "cluster/sim_peer.hpp"

namespace cluster_test {

namespace net = chatnode::net;
namespace peer = chatnode::peer;
namespace protocol = chatnode::protocol;

sim_peer::sim_peer(net::io_context& ioc, std::string name, std::uint64_t node_id,
                   std::vector<chatnode::host_port> nodes, bool watch_video)
    : name_(std::move(name)),
      nodes_(std::move(nodes)),
      watch_video_(watch_video),
      room_(name_, 4),
      strand_(net::make_strand(ioc)),
      dialer_(ioc, strand_,
              {[this](chatnode::tcp::socket s, peer::dialled d) { return start_session(std::move(s), std::move(d)); },
               [](const std::string&) {}, [] {}, [] {}},
              node_id),
      talk_timer_(strand_) {
  policy_.session.greeting.node_id = node_id;
  policy_.session.greeting.name = name_;
  policy_.session.greeting.capabilities = protocol::cap_text;
  if (watch_video) policy_.session.greeting.capabilities |= protocol::cap_video_recv;
  policy_.log = [](const std::string&) {};
  room_.subscribe(*this);
}

void sim_peer::start() {
  net::post(strand_, [this] { dialer_.dial_target({nodes_, protocol::wire_protocol::chat_node, true, true}); });
}

void sim_peer::talk(int count, std::chrono::milliseconds every, std::chrono::milliseconds first_after) {
  net::co_spawn(strand_, talk_loop(count, every, first_after), net::detached);
}

chatnode::awaitable<void> sim_peer::talk_loop(int count, std::chrono::milliseconds every,
                                              std::chrono::milliseconds first_after) {
  talk_timer_.expires_after(first_after);
  if (const auto [ec] = co_await talk_timer_.async_wait(chatnode::use_nothrow); ec) co_return;
  for (int k = 1; k <= count; ++k) {
    const auto at = clock::now();
    const auto r = room_.send_local_text(name_ + " line " + std::to_string(k));
    {
      std::lock_guard lock(mutex_);
      seen_.said_at.push_back(at);
      if (r == peer::room::local_text::refused) seen_.refused = true;
    }
    talk_timer_.expires_after(every);
    const auto [ec] = co_await talk_timer_.async_wait(chatnode::use_nothrow);
    if (ec) co_return;
  }
}

void sim_peer::stop() {
  net::post(strand_, [this] {
    dialer_.stop();
    talk_timer_.cancel();
    room_.stop_all(protocol::bye_reason::normal, "", false);
  });
}

int sim_peer::start_session(chatnode::tcp::socket socket, peer::dialled d) {
  const int id = next_peer_id_++;
  peer::serve(std::move(socket), policy_, std::move(d), id, room_,
              [this, id](const std::shared_ptr<peer::participant>& p) {
                net::post(strand_, [this, id, p] { dialer_.ended(id, p.get()); });
              });
  return id;
}

void sim_peer::on_text(const protocol::text_message& m, const peer::participant* from) {
  if (!from) return;  // our own
  const auto at = clock::now();
  std::lock_guard lock(mutex_);
  seen_.lines.push_back(m.origin + ": " + m.body);
  seen_.arrived.push_back(at);
}

void sim_peer::on_joined(const peer::participant& p) {
  net::post(strand_, [this, id = p.peer_id()] { dialer_.joined(id); });
  std::lock_guard lock(mutex_);
  ++seen_.joins;
}

void sim_peer::on_video(const peer::arrived_frame& f) {
  const auto at = clock::now();
  const auto now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const double latency_ms = (static_cast<double>(now_us) - static_cast<double>(f.frame->capture_us())) / 1000.0;
  std::lock_guard lock(mutex_);
  seen_.frames[f.name].push_back({at, latency_ms});
}

sim_peer::seen sim_peer::snapshot() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

std::size_t sim_peer::lines_seen() const {
  std::lock_guard lock(mutex_);
  return seen_.lines.size();
}

}  // namespace cluster_test
