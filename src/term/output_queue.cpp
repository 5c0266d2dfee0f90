#include "chatnode/term/output_queue.hpp"

#include <unistd.h>

#include <cerrno>

namespace chatnode::term {
namespace {

/// All of `s` to `fd`, unless the descriptor fails. Not stdio: a FILE's buffer
/// would still hold the text when the process ends, and exit() would block on it.
void write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const auto n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

output_queue::output_queue(std::size_t budget) : s_(std::make_shared<state>(budget)), thread_([s = s_] { run(s); }) {}

output_queue::~output_queue() {
  const bool drained = drain(drain_limit);
  {
    std::lock_guard lock(s_->mutex);
    s_->stopping = true;
  }
  s_->changed.notify_all();
  if (drained)
    thread_.join();
  else
    thread_.detach();  // blocked in write(2) on a terminal nobody reads; it holds its own state
}

void output_queue::write(int fd, std::string text) {
  {
    std::lock_guard lock(s_->mutex);
    auto& s = *s_;
    if (s.queued_bytes + text.size() > s.budget) {
      ++s.dropped;
      ++s.dropped_unsaid;
      return;
    }
    if (s.dropped_unsaid > 0) {
      // Said where the text went missing, before what comes after the gap.
      std::string note = "chat_node: " + std::to_string(s.dropped_unsaid) +
                         (s.dropped_unsaid == 1 ? " line was" : " lines were") +
                         " not shown: the terminal was not reading\n";
      s.queued_bytes += note.size();
      s.queue.push_back({fd, std::move(note)});
      ++s.queued;
      s.dropped_unsaid = 0;
    }
    s.queued_bytes += text.size();
    s.queue.push_back({fd, std::move(text)});
    ++s.queued;
  }
  s_->changed.notify_all();
}

bool output_queue::drain(std::chrono::milliseconds limit) {
  std::unique_lock lock(s_->mutex);
  const auto target = s_->queued;
  return s_->changed.wait_for(lock, limit, [&] { return s_->written >= target; });
}

std::uint64_t output_queue::dropped() const {
  std::lock_guard lock(s_->mutex);
  return s_->dropped;
}

void output_queue::run(const std::shared_ptr<state>& s) {
  std::unique_lock lock(s->mutex);
  for (;;) {
    s->changed.wait(lock, [&] { return s->stopping || !s->queue.empty(); });
    if (s->queue.empty()) return;  // stopping, and all written
    auto next = std::move(s->queue.front());
    s->queue.pop_front();
    // Written without the lock, so that queueing never waits on the terminal.
    lock.unlock();
    write_all(next.fd, next.text);
    lock.lock();
    s->queued_bytes -= next.text.size();
    ++s->written;
    s->changed.notify_all();
  }
}

}  // namespace chatnode::term
