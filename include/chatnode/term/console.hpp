// The terminal: conversation on stdout, diagnostics on stderr, one whole line
// at a time, written by a thread of its own (output_queue) so that no caller
// ever waits on the terminal.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "chatnode/term/output_queue.hpp"
#include "chatnode/term/terminal_text.hpp"

namespace chatnode::term {

class console {
 public:
  console(std::FILE* out = stdout, std::FILE* err = stderr) : out_(out), err_(err) {}

  /// "[HH:MM:SS] name: text"; later lines of a multi-line message are indented.
  void chat_line(std::string_view name, std::string_view text,
                 std::chrono::system_clock::time_point when = std::chrono::system_clock::now());
  /// "[HH:MM:SS] * text", on one line: joins, leaves, notices that belong to the conversation.
  void event(std::string_view text);
  /// Lines as they are (sanitized) on stdout: tables, help.
  void print(std::string_view text);
  /// "chat_node: text" on stderr.
  void info(std::string_view text);

  /// Text for the status line: the bottom row of the terminal on stderr, kept
  /// out of the scrolling chat by a scroll region. Empty removes it and gives
  /// the whole screen back. Only for a terminal.
  void set_status(const std::string& line);

  /// Waits until what was printed so far has reached the terminal, at most `limit`; whether it has.
  bool drain(std::chrono::milliseconds limit) { return queue_.drain(limit); }

 private:
  std::FILE* out_;
  std::FILE* err_;
  // Sessions on several strands, the capture thread and the status timer all
  // print: each line or block is one piece of the queue, so it stays whole.
  output_queue queue_;
  std::mutex status_mutex_;
  int region_rows_ = 0;  ///< terminal height the scroll region was set for; 0: none set; under status_mutex_
};

}  // namespace chatnode::term
