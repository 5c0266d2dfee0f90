#include "chatnode/term/console.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <ctime>

namespace chatnode::term {
namespace {

std::string clock_prefix(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "[%H:%M:%S]", &tm);
  return buf;
}

}  // namespace

void console::chat_line(std::string_view name, std::string_view text, std::chrono::system_clock::time_point when) {
  queue_.write(::fileno(out_), message_block(clock_prefix(when) + " " + sanitize_line(name) + ": ", text));
}

void console::event(std::string_view text) {
  queue_.write(::fileno(out_), clock_prefix(std::chrono::system_clock::now()) + " * " + sanitize_line(text) + "\n");
}

void console::print(std::string_view text) { queue_.write(::fileno(out_), sanitize_for_terminal(text)); }

void console::info(std::string_view text) {
  queue_.write(::fileno(err_), "chat_node: " + sanitize_for_terminal(text) + "\n");
}

void console::set_status(const std::string& line) {
  std::lock_guard lock(status_mutex_);
  winsize ws{};
  const int rows = ::ioctl(::fileno(err_), TIOCGWINSZ, &ws) == 0 ? ws.ws_row : 0;
  std::string out;
  if (line.empty() || rows < 3) {
    // Give the screen back: no scroll region, an empty bottom row.
    if (region_rows_ > 0)
      out =
          "\x1b"
          "7"
          "\x1b[r"
          "\x1b"
          "8"
          "\x1b[" +
          std::to_string(region_rows_) + ";1H\x1b[2K";
    region_rows_ = 0;
  } else {
    if (rows != region_rows_) {
      // Make room for the status row first, so the cursor is inside the region
      // (DECSTBM moves the cursor, hence the save and restore around it).
      if (region_rows_ == 0) out += "\n\x1b[1A";
      out +=
          "\x1b"
          "7"
          "\x1b[1;" +
          std::to_string(rows - 1) +
          "r"
          "\x1b"
          "8";
      region_rows_ = rows;
    }
    out +=
        "\x1b"
        "7"
        "\x1b[" +
        std::to_string(rows) + ";1H\x1b[2K" + sanitize_line(line) +
        "\x1b"
        "8";
  }
  if (!out.empty()) queue_.write(::fileno(err_), std::move(out));
}

}  // namespace chatnode::term
