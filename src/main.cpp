// chat_node: parses the command line and runs a node. Exit codes: 0 done,
// 1 runtime failure (port in use, connection refused, lost link), 2 usage error.
#include <sys/resource.h>

#include <iostream>

#include "chatnode/app/node.hpp"

namespace {

/// Every page, viewer, peer and recording is a descriptor; the soft limit is
/// often 1024 while the hard one allows far more, and only the soft one counts.
void raise_file_limit() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= files.rlim_max) return;
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);  // at worst the limit stays as it was
}

}  // namespace

int main(int argc, char** argv) {
  raise_file_limit();
  try {
    auto opts = chatnode::parse_options(argc, argv, std::cout);
    if (!opts) return 0;
    chatnode::term::console console;
    chatnode::app::node node(std::move(*opts), console);
    return node.run();
  } catch (const chatnode::usage_error& e) {
    std::cerr << "chat_node: " << e.what() << "\nTry 'chat_node --help'.\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "chat_node: " << e.what() << "\n";
    return 1;
  }
}
