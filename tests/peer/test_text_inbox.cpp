// The room's texts on their way to one participant: one handler per burst,
// a bound in bytes, order kept, from any number of threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "chatnode/peer/text_inbox.hpp"

namespace {

namespace peer = chatnode::peer;

peer::outgoing_text text(std::uint64_t seq, std::size_t bytes) {
  return {seq, std::make_shared<const chatnode::protocol::bytes>(bytes, std::uint8_t{'x'}), nullptr};
}

std::vector<std::uint64_t> seqs(const peer::text_inbox::taken& t) {
  std::vector<std::uint64_t> out;
  for (const auto& x : t.texts) out.push_back(x.seq);
  return out;
}

}  // namespace

TEST_CASE("a burst of texts asks for one handler until it is taken, and keeps its order", "[inbox]") {
  peer::text_inbox inbox(1 << 20);
  CHECK(inbox.put(text(1, 10)));
  for (std::uint64_t seq = 2; seq <= 100'000; ++seq) REQUIRE_FALSE(inbox.put(text(seq, 10)));
  const auto taken = inbox.take();
  CHECK_FALSE(taken.overflowed);
  REQUIRE(taken.texts.size() == 100'000);
  CHECK(taken.texts.front().seq == 1);
  CHECK(taken.texts.back().seq == 100'000);
  // Taken: the next text needs a handler of its own again.
  CHECK(inbox.put(text(100'001, 10)));
  CHECK(seqs(inbox.take()) == std::vector<std::uint64_t>{100'001});
  CHECK(inbox.take().texts.empty());
}

TEST_CASE("texts past the inbox's budget are dropped and the take says so", "[inbox]") {
  peer::text_inbox inbox(100);
  CHECK(inbox.put(text(1, 60)));
  CHECK_FALSE(inbox.put(text(2, 40)));
  CHECK_FALSE(inbox.put(text(3, 1)));  // 101 bytes: over
  const auto taken = inbox.take();
  CHECK(taken.overflowed);
  CHECK(seqs(taken) == std::vector<std::uint64_t>{1, 2});
  // A take empties the budget as well.
  CHECK(inbox.put(text(4, 100)));
  const auto next = inbox.take();
  CHECK_FALSE(next.overflowed);
  CHECK(seqs(next) == std::vector<std::uint64_t>{4});
}

TEST_CASE("a drain hands texts on in order until the session's queue refuses one, and says it fell behind", "[inbox]") {
  peer::text_inbox inbox(1 << 20);
  for (std::uint64_t seq = 1; seq <= 5; ++seq) inbox.put(text(seq, 10));
  std::vector<std::uint64_t> queued;
  const auto full_after_three = [&](peer::outgoing_text&& t) {
    if (queued.size() == 3) return false;
    queued.push_back(t.seq);
    return true;
  };
  const auto d = inbox.drain(full_after_three);
  CHECK(d.pushed == 3);
  CHECK(d.overflowed);
  CHECK(queued == std::vector<std::uint64_t>{1, 2, 3});

  // Everything accepted: not behind; an inbox over its own budget: behind, whatever the queue says.
  inbox.put(text(6, 10));
  const auto all = inbox.drain([](peer::outgoing_text&&) { return true; });
  CHECK(all.pushed == 1);
  CHECK_FALSE(all.overflowed);
  peer::text_inbox small(10);
  small.put(text(7, 10));
  small.put(text(8, 1));
  const auto over = small.drain([](peer::outgoing_text&&) { return true; });
  CHECK(over.pushed == 1);
  CHECK(over.overflowed);
}

TEST_CASE("texts put from several threads while another takes are each taken once, each thread's in order", "[inbox]") {
  constexpr int writers = 4;
  constexpr std::uint64_t per_writer = 20'000;
  peer::text_inbox inbox(64u << 20);
  std::atomic<int> handlers_asked{0};
  std::atomic<bool> done{false};
  std::vector<std::uint64_t> received;
  int takes = 0;
  std::thread taker([&] {
    // Bounded: the writers finish in well under a second; the cap only stops a broken inbox.
    for (int round = 0; round < 10'000'000; ++round) {
      const bool last = done.load();
      auto t = inbox.take();
      ++takes;
      for (const auto& x : t.texts) received.push_back(x.seq);
      if (last) break;
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      for (std::uint64_t i = 0; i < per_writer; ++i)
        if (inbox.put(text(static_cast<std::uint64_t>(w) * per_writer + i, 8))) ++handlers_asked;
    });
  for (auto& t : threads) t.join();
  done = true;
  taker.join();
  REQUIRE(received.size() == writers * per_writer);
  std::vector<std::uint64_t> last_of(writers, 0);
  std::vector<bool> seen_any(writers, false);
  for (const auto seq : received) {
    const auto w = static_cast<std::size_t>(seq / per_writer);
    if (seen_any[w]) REQUIRE(seq > last_of[w]);
    seen_any[w] = true;
    last_of[w] = seq;
  }
  // Never a second handler before a take: at most one asked for per take.
  CHECK(handlers_asked.load() >= 1);
  CHECK(handlers_asked.load() <= takes);
}
