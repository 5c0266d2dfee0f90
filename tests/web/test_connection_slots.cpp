// connection_slots: the web server's bound on open connections, without sockets.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "chatnode/web/connection_slots.hpp"

namespace {

using chatnode::web::connection_slots;
namespace ip = boost::asio::ip;

}  // namespace

TEST_CASE("connection slots are bounded in all, and freed when their last holder lets go", "[web][slots]") {
  const auto slots = std::make_shared<connection_slots>(3, 3);
  std::vector<connection_slots::slot> held;
  for (const char* a : {"192.0.2.1", "192.0.2.2", "127.0.0.1"}) {
    held.push_back(slots->take(ip::make_address(a)));
    CHECK(held.back() != nullptr);
  }
  CHECK(slots->open() == 3);
  CHECK(slots->take(ip::make_address("192.0.2.9")) == nullptr);
  CHECK(slots->take(ip::make_address("127.0.0.1")) == nullptr);
  auto handed_over = held.front();  // a session passes its slot on: still one connection
  held.erase(held.begin());
  CHECK(slots->take(ip::make_address("192.0.2.9")) == nullptr);
  handed_over.reset();
  CHECK(slots->open() == 2);
  CHECK(slots->take(ip::make_address("192.0.2.9")) != nullptr);  // taken and let go at once
  CHECK(slots->open() == 2);
}

TEST_CASE("one address but loopback has a bound of its own", "[web][slots]") {
  const auto slots = std::make_shared<connection_slots>(100, 2);
  const auto remote = ip::make_address("192.0.2.1");
  auto a = slots->take(remote), b = slots->take(remote);
  CHECK(a != nullptr);
  CHECK(b != nullptr);
  CHECK(slots->take(remote) == nullptr);
  CHECK(slots->take(ip::make_address("::ffff:192.0.2.1")) == nullptr);  // the same address, dual-stack
  CHECK(slots->take(ip::make_address("192.0.2.2")) != nullptr);
  // This machine's clients are held only to the total.
  std::vector<connection_slots::slot> local;
  for (int i = 0; i < 10; ++i) local.push_back(slots->take(ip::make_address(i % 2 ? "127.0.0.1" : "::ffff:127.0.0.1")));
  for (const auto& s : local) CHECK(s != nullptr);
  a.reset();
  CHECK(slots->take(remote) != nullptr);
}
