// Replays the fuzzers' seeds and every input they ever crashed on through the
// same checks, in every build of the suite (sanitizers included), so a fixed
// crash stays fixed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "stream_checks.hpp"
#include "support/paths.hpp"

namespace {

namespace fs = std::filesystem;

/// Files under tests/fuzz/{corpus,regressions}/TARGET, sorted.
std::vector<fs::path> inputs(const char* target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(test_support::source_dir()) / "tests/fuzz" / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the handshake fuzzer's seeds and findings keep every promise", "[fuzz]") {
  const auto files = inputs("handshake");
  REQUIRE(files.size() >= 3);  // the committed seeds at least
  for (const auto& f : files) {
    INFO(f);
    chatnode::fuzz::check_handshake(read(f));
  }
}

TEST_CASE("the cluster records fuzzer's seeds and findings keep every promise", "[fuzz][cluster]") {
  const auto files = inputs("cluster_records");
  REQUIRE(files.size() >= 3);
  for (const auto& f : files) {
    INFO(f);
    chatnode::fuzz::check_cluster_records(read(f));
  }
}

TEST_CASE("the frame stream fuzzer's seeds and findings keep every promise", "[fuzz]") {
  const auto files = inputs("frame_stream");
  REQUIRE(files.size() >= 5);
  for (const auto& f : files) {
    INFO(f);
    chatnode::fuzz::check_frame_stream(read(f));
  }
}
