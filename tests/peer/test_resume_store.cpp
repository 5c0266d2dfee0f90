#include <catch2/catch.hpp>

#include "chatnode/peer/resume_store.hpp"

using chatnode::peer::outgoing_text;
using chatnode::peer::resume_store;
using namespace std::chrono_literals;

namespace {

outgoing_text text(std::uint64_t seq, std::size_t bytes = 10) {
  return {seq, std::make_shared<const chatnode::protocol::bytes>(bytes, std::uint8_t{0}),
          std::make_shared<const std::string>("line\n")};
}

std::vector<std::uint64_t> seqs(const std::vector<outgoing_text>& texts) {
  std::vector<std::uint64_t> out;
  for (const auto& t : texts) out.push_back(t.seq);
  return out;
}

}  // namespace

TEST_CASE("an absent peer gets its unacknowledged text, then what was said while it was away", "[resume]") {
  resume_store store(1000, 4);
  CHECK(store.park("node a", "alice", {text(3), text(4)}, 1min).empty());
  CHECK(store.append(text(7)).empty());
  CHECK(store.append(text(8)).empty());
  CHECK(store.texts_for("node a") == 4);
  CHECK(store.total_texts() == 4);
  CHECK(seqs(store.take("node a")) == std::vector<std::uint64_t>{3, 4, 7, 8});
  CHECK_FALSE(store.contains("node a"));
  CHECK(store.take("node a").empty());
}

TEST_CASE("a replaced link's handover merges by sequence number without duplicates", "[resume]") {
  resume_store store(1000, 4);
  // The new link opened the entry; text said since waits in it.
  store.park("node a", "alice", {}, 1min);
  store.append(text(9));
  store.append(text(10));
  // The old link closes and hands over what it had not had acknowledged, one of them twice.
  store.park("node a", "alice", {text(5), text(6), text(9)}, 1min);
  CHECK(seqs(store.take("node a")) == std::vector<std::uint64_t>{5, 6, 9, 10});
}

TEST_CASE("text said by a peer is not kept for that same peer", "[resume]") {
  resume_store store(1000, 4);
  store.park("node a", "alice", {}, 1min);
  store.park("node b", "bob", {}, 1min);
  store.append(text(1), "node a");
  CHECK(store.texts_for("node a") == 0);
  CHECK(store.texts_for("node b") == 1);
}

TEST_CASE("an absent peer past its byte bound is forgotten, and the others are kept", "[resume]") {
  resume_store store(100, 4);
  store.park("node a", "alice", {text(1, 60)}, 1min);
  store.park("node b", "bob", {}, 1min);
  CHECK(store.fits(40));
  CHECK_FALSE(store.fits(41));
  CHECK(store.append(text(2, 30)).empty());
  const auto forgotten = store.append(text(3, 30));
  CHECK(forgotten == std::vector<std::string>{"alice"});
  CHECK_FALSE(store.contains("node a"));
  CHECK(seqs(store.take("node b")) == std::vector<std::uint64_t>{2, 3});
}

TEST_CASE(
    "no more absent peers are kept than the room holds: of those in it as long, the one gone longest is forgotten",
    "[resume]") {
  resume_store store(1000, 2);
  CHECK(store.park("node a", "alice", {text(1)}, 1min).empty());
  CHECK(store.park("node b", "bob", {text(2)}, 1min).empty());
  CHECK(store.park("node c", "carol", {text(3)}, 1min) == std::vector<std::string>{"alice"});
  CHECK_FALSE(store.contains("node a"));
  CHECK(store.contains("node b"));
  CHECK(store.contains("node c"));
  // Parking again under a kept key is not a new peer: nobody is forgotten.
  CHECK(store.park("node b", "bob", {text(4)}, 1min).empty());
  CHECK(store.texts_for("node b") == 2);
}

TEST_CASE("strangers who connect and drop at once cannot push out an absent peer who took part", "[resume]") {
  resume_store store(1000, 16);
  // alice was in the room ten minutes; a line waits for her.
  CHECK(store.park("node a", "alice", {text(1)}, 10min).empty());
  // Then sixteen strangers, each gone again within a few milliseconds.
  std::vector<std::string> forgotten;
  for (int i = 0; i < 16; ++i) {
    const auto f = store.park("node s" + std::to_string(i), "stranger", {}, 5ms);
    forgotten.insert(forgotten.end(), f.begin(), f.end());
  }
  CHECK(forgotten == std::vector<std::string>{"stranger"});
  for (std::uint64_t seq = 2; seq <= 4; ++seq) store.append(text(seq));
  CHECK(seqs(store.take("node a")) == std::vector<std::uint64_t>{1, 2, 3, 4});
}

TEST_CASE("the time an absent peer was in the room adds up over the links its text was kept for", "[resume]") {
  resume_store store(1000, 2);
  // A link replaced by a new one, which was then lost too before the handover.
  store.park("node a", "alice", {}, 1min);
  store.park("node a", "alice", {}, 1min);
  store.park("node b", "bob", {}, 90s);
  // alice's two minutes outweigh bob's ninety seconds.
  CHECK(store.park("node c", "carol", {}, 100s) == std::vector<std::string>{"bob"});
}
