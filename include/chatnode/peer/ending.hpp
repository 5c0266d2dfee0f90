// How a connection ends, by the rules both kinds of session keep: the first
// reason given is the one reported; a stop lets what is queued go out first
// (flush) unless it is forced; and a later, harsher request (an error, or a
// shutdown without flush) still forces a stop already under way.
// Pure state; each session keeps one on its strand.
#pragma once

#include <string>

namespace chatnode::peer {

class ending {
 public:
  struct request_result {
    bool first = false;    ///< the first request: the caller begins its stop now
    bool changed = false;  ///< the stop began or became forced: the writer must look again
  };

  request_result request(bool flush) {
    if (stopping_) {
      if (flush || forced_) return {};
      forced_ = true;
      return {false, true};
    }
    stopping_ = true;
    forced_ = !flush;
    return {true, true};
  }
  /// Stops waiting for what is queued (a flush's deadline passed).
  void force() { forced_ = true; }
  /// Keeps `why` unless a reason was given before: the first cause is the one reported.
  void note(std::string why) {
    if (reason_.empty()) reason_ = std::move(why);
  }

  bool stopping() const { return stopping_; }
  bool forced() const { return forced_; }
  const std::string& reason() const { return reason_; }

 private:
  bool stopping_ = false;
  bool forced_ = false;
  std::string reason_;
};

}  // namespace chatnode::peer
