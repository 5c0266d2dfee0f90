// Which renditions of our video the receivers need now: each link holds a
// ticket for its rung's picture, and the capture thread encodes exactly the
// renditions some ticket names, once each. No ticket: nobody watches, and the
// camera is released.
#pragma once

#include <map>
#include <mutex>
#include <vector>

#include "chatnode/video/quality_ladder.hpp"

namespace chatnode::video {

class rendition_demand {
 public:
  /// One receiver's want, for as long as it lives.
  class ticket {
   public:
    ticket() = default;
    ticket(ticket&& other) noexcept;
    ticket& operator=(ticket&& other) noexcept;
    ~ticket() { release(); }
    /// The receiver wants another rendition from now on.
    void change(const rendition& r);
    void release();
    explicit operator bool() const { return demand_ != nullptr; }

   private:
    friend class rendition_demand;
    ticket(rendition_demand& d, const rendition& r) : demand_(&d), wanted_(r) {}
    rendition_demand* demand_ = nullptr;
    rendition wanted_;
  };

  /// Any thread.
  ticket want(const rendition& r);
  /// Any thread: each rendition wanted now, once, biggest first; empty when nobody watches.
  std::vector<rendition> wanted() const;

 private:
  void add(const rendition& r, int n);

  mutable std::mutex mutex_;
  std::map<rendition, int> counts_;  ///< guarded by mutex_; no zero entries
};

}  // namespace chatnode::video
