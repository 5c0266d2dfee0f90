#include "support/paths.hpp"

#include <cstdlib>

namespace test_support {

std::string source_dir() { return CHATNODE_SOURCE_DIR; }

std::string chat_node_binary() {
  if (const char* p = std::getenv("CHAT_NODE_BIN"); p && *p) return p;
  return CHAT_NODE_BIN;
}

std::string examples_dir() { return CHATNODE_EXAMPLES_DIR; }

}  // namespace test_support
