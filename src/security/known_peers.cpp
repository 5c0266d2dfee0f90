#include "chatnode/security/known_peers.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "chatnode/security/identity.hpp"

namespace chatnode::security {

known_peers::known_peers(std::filesystem::path file) : file_(std::move(file)) { read_locked(); }

void known_peers::read_locked() {
  std::map<std::string, entry> peers;
  int lines = 0;
  std::ifstream in(file_);
  for (std::string line; std::getline(in, line);) {
    ++lines;
    if (line.empty() || line.starts_with("#")) continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos || !is_fingerprint(line.substr(0, tab)) || tab + 1 == line.size())
      throw std::runtime_error(file_.string() + ":" + std::to_string(lines) +
                               ": not 'sha256:FINGERPRINT<tab>WHO'; fix or remove the line");
    peers[line.substr(tab + 1)] = {normalize_fingerprint(line.substr(0, tab)), lines};
  }
  peers_ = std::move(peers);
  lines_ = lines;
}

known_peers::result known_peers::check(const std::string& who, const std::string& fingerprint, bool record_new) {
  std::lock_guard lock(mutex_);
  if (!record_new && !peers_.contains(who)) {
    // Perhaps added by hand since: a peer is admitted without a restart.
    try {
      read_locked();
    } catch (const std::runtime_error&) {
      // A line being edited: judged on what was read before.
    }
  }
  if (const auto it = peers_.find(who); it != peers_.end()) {
    if (it->second.fingerprint == fingerprint) return {verdict::known, {}, 0};
    return {verdict::changed, it->second.fingerprint, it->second.line};
  }
  if (!record_new) return {verdict::unknown, {}, 0};
  // Appended with O_APPEND in one write, so two nodes sharing the file do not interleave lines.
  const auto line = fingerprint + "\t" + who + "\n";
  const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + file_.string() + ": " + std::strerror(errno));
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + file_.string());
  peers_[who] = {fingerprint, ++lines_};
  return {verdict::first_use, {}, 0};
}

}  // namespace chatnode::security
