// chat_node: parses the command line and runs a node. Exit codes: 0 done,
// 1 runtime failure (port in use, connection refused, lost link), 2 usage error.
#include <iostream>

#include "chatnode/node.hpp"

int main(int argc, char** argv) {
  try {
    auto opts = chatnode::parse_options(argc, argv, std::cout);
    if (!opts) return 0;
    chatnode::term::console console;
    chatnode::node node(std::move(*opts), console);
    return node.run();
  } catch (const chatnode::usage_error& e) {
    std::cerr << "chat_node: " << e.what() << "\nTry 'chat_node --help'.\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "chat_node: " << e.what() << "\n";
    return 1;
  }
}
