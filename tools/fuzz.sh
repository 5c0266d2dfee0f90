#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, the protocol library
# with ASan and UBSan) and runs them side by side, each for a bounded time.
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
stage "configure (fuzz)" cmake --preset fuzz --log-level=WARNING
stage "build (fuzz)" cmake --build --preset fuzz --target fuzz_frame_stream fuzz_handshake fuzz_cluster_records write_seeds

if $seeds_only; then
  build/fuzz/tests/fuzz/write_seeds tests/fuzz/corpus
  exit 0
fi

# One fuzzer per core, at the same time; each one's output goes to its log,
# shown when it ends.
fuzz_one() {  # TARGET
  local target=$1
  # New inputs go to a scratch corpus; the committed seeds are only read.
  local work="build/fuzz/corpus/$target"
  mkdir -p "$work"
  local dirs=("$work" "tests/fuzz/corpus/$target")
  [ -d "tests/fuzz/regressions/$target" ] && dirs+=("tests/fuzz/regressions/$target")
  build/fuzz/tests/fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$target-" \
    "${dirs[@]}" >"build/fuzz/$target.log" 2>&1
}
run_fuzzers() {
  mkdir -p build/fuzz/crashes
  local targets=(handshake frame_stream cluster_records) pids=() failed=0 i
  for i in "${!targets[@]}"; do
    fuzz_one "${targets[i]}" &
    pids[i]=$!
  done
  for i in "${!targets[@]}"; do
    local rc=0
    wait "${pids[i]}" || rc=$?
    echo "--- fuzz_${targets[i]}: exit $rc; the end of its log:"
    grep -E '^(#[0-9]+|stat::|Done|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' \
      "build/fuzz/${targets[i]}.log" | tail -n 12
    [ "$rc" -eq 0 ] || { failed=1; tail -n 40 "build/fuzz/${targets[i]}.log"; }
  done
  return "$failed"
}
stage "fuzz handshake, frame_stream and cluster_records side by side (${seconds} s each)" run_fuzzers
