// A directory of its own under the system's temporary directory, removed at the end.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace test_support {

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    path = std::filesystem::temp_directory_path() /
           ("chat_node_test_" + std::to_string(::getpid()) + "_" + std::to_string(++count));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  static inline int count = 0;
};

}  // namespace test_support
