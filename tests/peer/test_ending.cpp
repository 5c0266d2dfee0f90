#include <catch2/catch.hpp>

#include "chatnode/peer/ending.hpp"

using chatnode::peer::ending;

TEST_CASE("a connection's end: the first request begins it, a harsher one forces it, the first cause is kept",
          "[ending]") {
  ending e;
  CHECK_FALSE(e.stopping());
  const auto first = e.request(true);
  CHECK(first.first);
  CHECK(first.changed);
  CHECK(e.stopping());
  CHECK_FALSE(e.forced());
  // Asked again to flush: nothing changes.
  const auto again = e.request(true);
  CHECK_FALSE(again.first);
  CHECK_FALSE(again.changed);
  // An error meanwhile: the stop under way no longer waits.
  const auto harsher = e.request(false);
  CHECK_FALSE(harsher.first);
  CHECK(harsher.changed);
  CHECK(e.forced());
  CHECK_FALSE(e.request(false).changed);

  e.note("protocol error: bad frame");
  e.note("closed");
  CHECK(e.reason() == "protocol error: bad frame");
}

TEST_CASE("a stop without flush is forced from the start", "[ending]") {
  ending e;
  const auto r = e.request(false);
  CHECK(r.first);
  CHECK(e.forced());
  CHECK(e.reason().empty());
}
