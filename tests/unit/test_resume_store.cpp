#include <catch2/catch.hpp>

#include "chatnode/peer/resume_store.hpp"

using chatnode::peer::outgoing_text;
using chatnode::peer::resume_store;

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
  CHECK(store.park("node a", "alice", {text(3), text(4)}).empty());
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
  store.park("node a", "alice", {});
  store.append(text(9));
  store.append(text(10));
  // The old link closes and hands over what it had not had acknowledged, one of them twice.
  store.park("node a", "alice", {text(5), text(6), text(9)});
  CHECK(seqs(store.take("node a")) == std::vector<std::uint64_t>{5, 6, 9, 10});
}

TEST_CASE("text said by a peer is not kept for that same peer", "[resume]") {
  resume_store store(1000, 4);
  store.park("node a", "alice", {});
  store.park("node b", "bob", {});
  store.append(text(1), "node a");
  CHECK(store.texts_for("node a") == 0);
  CHECK(store.texts_for("node b") == 1);
}

TEST_CASE("an absent peer past its byte bound is forgotten, and the others are kept", "[resume]") {
  resume_store store(100, 4);
  store.park("node a", "alice", {text(1, 60)});
  store.park("node b", "bob", {});
  CHECK(store.fits(40));
  CHECK_FALSE(store.fits(41));
  CHECK(store.append(text(2, 30)).empty());
  const auto forgotten = store.append(text(3, 30));
  CHECK(forgotten == std::vector<std::string>{"alice"});
  CHECK_FALSE(store.contains("node a"));
  CHECK(seqs(store.take("node b")) == std::vector<std::uint64_t>{2, 3});
}

TEST_CASE("no more absent peers are kept than the room holds: the one gone longest is forgotten", "[resume]") {
  resume_store store(1000, 2);
  CHECK(store.park("node a", "alice", {text(1)}).empty());
  CHECK(store.park("node b", "bob", {text(2)}).empty());
  CHECK(store.park("node c", "carol", {text(3)}) == std::vector<std::string>{"alice"});
  CHECK_FALSE(store.contains("node a"));
  CHECK(store.contains("node b"));
  CHECK(store.contains("node c"));
  // Parking again under a kept key is not a new peer: nobody is forgotten.
  CHECK(store.park("node b", "bob", {text(4)}).empty());
  CHECK(store.texts_for("node b") == 2);
}
