// Cuts a byte stream into lines, refusing (not truncating) lines over a limit.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace chatnode::protocol {

class line_splitter {
 public:
  /// `on_line(line)` for each complete line (without "\n" or "\r\n");
  /// `on_overlong(size)` for each line longer than `max_line` bytes, which is dropped whole.
  line_splitter(std::size_t max_line, std::function<void(std::string)> on_line,
                std::function<void(std::size_t)> on_overlong);

  void feed(std::string_view data);
  /// End of input: a last line without a newline still counts.
  void finish();

 private:
  void emit();

  std::size_t max_line_;
  std::function<void(std::string)> on_line_;
  std::function<void(std::size_t)> on_overlong_;
  std::string line_;
  std::size_t overlong_size_ = 0;  ///< bytes of the current line once it went over the limit
  bool ends_with_cr_ = false;      ///< the bytes seen so far of the current line end in "\r"
};

}  // namespace chatnode::protocol
