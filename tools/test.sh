#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with CTest.
#
#   tools/test.sh                     release build, every test
#   tools/test.sh --preset asan-ubsan the suite under AddressSanitizer + UBSan
#   tools/test.sh --preset tsan       the suite under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."

preset=release
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset="${2:?--preset needs a name}"; shift 2 ;;
    *) echo "test.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

source tools/stage.sh

stage "install dependencies" tools/install-deps.sh --test
# The browser test's npm packages (tests/browser/package-lock.json), for the presets that
# register it (not under the sanitizers). npm ci only when node_modules differs from the lockfile,
# so a second run needs no network.
browser_deps_current() {
  node -e '
    const fs = require("fs");
    const read = (f) => JSON.parse(fs.readFileSync(f, "utf8")).packages || {};
    const want = read("package-lock.json"), have = read("node_modules/.package-lock.json");
    delete want[""];
    const key = (p) => JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k].version, p[k].integrity]));
    process.exit(key(want) === key(have) ? 0 : 1);' 2>/dev/null
}
browser_deps() (
  cd tests/browser
  browser_deps_current && echo "tests/browser/node_modules is up to date" && exit 0
  npm ci --no-audit --no-fund
)
case "$preset" in
  asan-ubsan|tsan) ;;
  *) stage "browser test dependencies" browser_deps ;;
esac
stage "configure ($preset)" cmake --preset "$preset" --log-level=WARNING -DCHATNODE_TESTS=ON
stage "build ($preset)" cmake --build --preset "$preset"

# Any sanitizer report fails the test that caused it, child processes included.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp"
# Four at a time on two cores: most tests wait on sockets and timers, and every
# one listens on ports of its own (127.0.0.1:0), so none shares state.
stage "test ($preset)" ctest --preset "$preset" --parallel 4 --no-tests=error
