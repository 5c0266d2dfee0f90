// Where the suite finds the source tree and the programs the build made. Only
// paths.cpp is compiled with these absolute paths, so every other object is
// the same in any clone and ccache can share it (cmake/ccache.cmake).
#pragma once

#include <string>

namespace test_support {

/// The repository's root.
std::string source_dir();
/// The chat_node this build made; CHAT_NODE_BIN in the environment names another.
std::string chat_node_binary();
/// Where the build put the example programs (examples/).
std::string examples_dir();

}  // namespace test_support
