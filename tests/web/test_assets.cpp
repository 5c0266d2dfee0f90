// The embedded page is byte for byte the files under web/.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "chatnode/web/assets.hpp"
#include "support/paths.hpp"

TEST_CASE("every file under web/ is embedded unchanged, with its content type", "[assets]") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_dir() + "/web")) {
    const auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.starts_with(".")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string on_disk{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto embedded = chatnode::web::asset("/" + name);
    INFO(name);
    CHECK(std::string(reinterpret_cast<const char*>(embedded.data()), embedded.size()) == on_disk);
    CHECK_FALSE(chatnode::web::asset_content_type("/" + name).empty());
    ++files;
  }
  CHECK(files >= 3);
  CHECK(chatnode::web::asset_content_type("/index.html") == "text/html; charset=utf-8");
  CHECK(chatnode::web::asset_content_type("/app.js") == "text/javascript; charset=utf-8");
  CHECK(chatnode::web::asset_content_type("/style.css") == "text/css; charset=utf-8");
}

TEST_CASE("paths that are not assets find nothing", "[assets]") {
  for (const char* p : {"", "/", "index.html", "/missing.js", "/../CMakeLists.txt", "/app.js/"}) {
    CHECK(chatnode::web::asset(p).empty());
    CHECK(chatnode::web::asset_content_type(p).empty());
  }
}
