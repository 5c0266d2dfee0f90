#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time.
#
#   tools/fuzz.sh [SECONDS]   each target SECONDS (default 60) from the committed
#                             seeds; a crash is saved under build/fuzz/crashes
#                             and fails the run
#   tools/fuzz.sh --seeds     rewrite the seed corpora in tests/fuzz/corpus
#
# A crash found here becomes a regression test: copy the file into
# tests/fuzz/regressions/TARGET/ (test_protocol replays every file there).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/stage.sh

seconds=60
seeds_only=false
case "${1:-}" in
  --seeds) seeds_only=true ;;
  "") ;;
  *[!0-9]*) echo "fuzz.sh: SECONDS must be a number, or --seeds" >&2; exit 2 ;;
  *) seconds="$1" ;;
esac

stage "install dependencies" tools/install-deps.sh --test
stage "configure (fuzz)" cmake -S tests/fuzz -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo --log-level=WARNING
stage "build (fuzz)" cmake --build build/fuzz

if $seeds_only; then
  build/fuzz/write_seeds tests/fuzz/corpus
  exit 0
fi

mkdir -p build/fuzz/crashes
for target in handshake frame_stream; do
  # New inputs go to a scratch corpus; the committed seeds are only read.
  work="build/fuzz/corpus/$target"
  mkdir -p "$work"
  dirs=("$work" "tests/fuzz/corpus/$target")
  [ -d "tests/fuzz/regressions/$target" ] && dirs+=("tests/fuzz/regressions/$target")
  stage "fuzz $target (${seconds} s)" build/fuzz/fuzz_$target -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$target-" \
    "${dirs[@]}"
done
