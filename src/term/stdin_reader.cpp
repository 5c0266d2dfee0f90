#include "chatnode/term/stdin_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>

#include "chatnode/protocol/line_splitter.hpp"

namespace chatnode::term {
namespace {

// A closed standard input reads as an empty one.
int duplicate_stdin() {
  const int fd = ::dup(STDIN_FILENO);
  return fd != -1 ? fd : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace

stdin_reader::stdin_reader(const net::any_io_executor& ex)
    : saved_flags_(::fcntl(STDIN_FILENO, F_GETFL)), in_(ex, duplicate_stdin()) {}

stdin_reader::~stdin_reader() {
  error_code ignored;
  in_.close(ignored);
  if (saved_flags_ != -1) ::fcntl(STDIN_FILENO, F_SETFL, saved_flags_);
}

awaitable<void> stdin_reader::run(std::size_t max_line, std::function<void(std::string)> on_line,
                                  std::function<void(std::size_t)> on_overlong) {
  protocol::line_splitter lines(max_line, std::move(on_line), std::move(on_overlong));
  std::array<char, std::size_t{16} * 1024> buf;
  while (!stopped_) {
    auto [ec, n] = co_await in_.async_read_some(net::buffer(buf), use_nothrow);
    if (ec) {
      // A last line without a newline still counts at end of input, not on cancel.
      if (ec == net::error::eof) lines.finish();
      co_return;
    }
    lines.feed({buf.data(), n});
  }
}

void stdin_reader::cancel() {
  // The flag covers a cancel from inside on_line, when no read is pending to abort.
  stopped_ = true;
  error_code ignored;
  in_.cancel(ignored);
}

}  // namespace chatnode::term
