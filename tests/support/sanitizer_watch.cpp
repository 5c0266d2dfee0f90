// Fails the running test when a child process it started printed a sanitizer
// report: a child's crash or leak is the test's failure, even if it exited 0.
#include <catch2/catch.hpp>

#include "support/child_process.hpp"

namespace {

const bool installed = [] {
  test_support::child_process::on_teardown = [](const test_support::child_process& p) {
    for (const auto& l : p.lines(test_support::child_process::stream::err)) {
      if (l.find("Sanitizer") != std::string::npos || l.find("runtime error:") != std::string::npos) {
        FAIL_CHECK("sanitizer report from child " << p.pid() << ":\n"
                                                  << p.transcript(test_support::child_process::stream::err));
        return;
      }
    }
  };
  return true;
}();

}  // namespace
