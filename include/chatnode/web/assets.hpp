// The page's files (web/), compiled into the program by cmake/embed.cmake so a
// node serves its page without any file next to the binary.
#pragma once

#include <span>
#include <string_view>

namespace chatnode::web {

/// The bytes of the asset at `path` ("/index.html", "/app.js"); empty when there is none.
std::span<const unsigned char> asset(std::string_view path);
/// Its Content-Type, chosen from the extension; empty when there is no such asset.
std::string_view asset_content_type(std::string_view path);

}  // namespace chatnode::web
