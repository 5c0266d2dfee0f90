#include "chatnode/protocol/line_splitter.hpp"

namespace chatnode::protocol {

line_splitter::line_splitter(std::size_t max_line, std::function<void(std::string)> on_line,
                             std::function<void(std::size_t)> on_overlong)
    : max_line_(max_line), on_line_(std::move(on_line)), on_overlong_(std::move(on_overlong)) {}

void line_splitter::feed(std::string_view data) {
  while (!data.empty()) {
    const auto nl = data.find('\n');
    const auto part = data.substr(0, nl);
    if (!part.empty()) ends_with_cr_ = part.back() == '\r';
    if (overlong_size_ > 0) {
      overlong_size_ += part.size();
    } else if (line_.size() + part.size() > max_line_ + 1) {  // +1: a "\r" that "\r\n" will drop
      overlong_size_ = line_.size() + part.size();
      line_.clear();
    } else {
      line_.append(part);
    }
    if (nl == std::string_view::npos) return;
    emit();
    data.remove_prefix(nl + 1);
  }
}

void line_splitter::finish() {
  if (!line_.empty() || overlong_size_ > 0) emit();
}

void line_splitter::emit() {
  if (overlong_size_ == 0 && !line_.empty() && line_.back() == '\r') line_.pop_back();
  if (overlong_size_ > 0 && ends_with_cr_) --overlong_size_;
  if (overlong_size_ > 0 || line_.size() > max_line_) {
    on_overlong_(overlong_size_ > 0 ? overlong_size_ : line_.size());
  } else {
    on_line_(std::move(line_));
  }
  line_.clear();
  overlong_size_ = 0;
  ends_with_cr_ = false;
}

}  // namespace chatnode::protocol
