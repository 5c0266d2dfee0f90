// Trust on first use: the fingerprint each peer showed the first time, kept in
// a file, and held against it every time after, as ssh's known_hosts does.
// One line per peer: the fingerprint, a tab, and who it is (the address a
// --connect node dials, or "name NAME" for a peer that connects to us).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace chatnode::security {

class known_peers {
 public:
  /// Reads `file` if it exists; a line that is not "FINGERPRINT<TAB>WHO" is an error naming the line.
  explicit known_peers(std::filesystem::path file);

  enum class verdict {
    known,      ///< the fingerprint on record
    first_use,  ///< nobody on record by that name: now recorded
    changed,    ///< another fingerprint is on record: refuse
    unknown,    ///< nobody on record by that name, and not recorded (record_new false)
  };
  struct result {
    verdict v;
    std::string on_record;  ///< the recorded fingerprint, when changed
    int line = 0;           ///< its line in the file, when changed
  };

  /// Any thread. Checks `who` against the record, and records it on first use
  /// when `record_new`; without, the file is read again first when `who` is
  /// not on record, so that a line added by hand admits it without a restart.
  result check(const std::string& who, const std::string& fingerprint, bool record_new = true);
  const std::filesystem::path& file() const { return file_; }

 private:
  void read_locked();

  struct entry {
    std::string fingerprint;
    int line;
  };
  std::filesystem::path file_;
  std::mutex mutex_;
  std::map<std::string, entry> peers_;
  int lines_ = 0;
};

}  // namespace chatnode::security
