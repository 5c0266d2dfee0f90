#!/usr/bin/env bash
# clang-tidy (.clang-tidy) over the given sources, or by default over the
# sans-io ones: the protocol library, pacing, and the pure rules of peers and
# video. Those hold the parsing and the arithmetic; the rest is mostly Asio
# and Beast, whose headers make the whole tree take four minutes here instead
# of one. With --all, every source (clean as well). Needs
# build/release/compile_commands.json (the release build writes it).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/llvm-tool.sh
tidy=$(llvm_tool clang-tidy)
[ -f build/release/compile_commands.json ] || { echo "tidy-check: build the release preset first" >&2; exit 2; }
if [ "${1:-}" = "--all" ]; then
  mapfile -t files < <(git ls-files 'src/*.cpp')
elif [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=(src/protocol/*.cpp src/pacing/*.cpp src/commands.cpp src/security/secret_exchange.cpp
    src/video/quality_ladder.cpp src/cluster/records.cpp src/cluster/presence_board.cpp
    src/peer/{link_adapter,resume_store,outbox,teaching_outbox,text_inbox,backoff,connection_rate_limit}.cpp)
fi
# Two at a time (the machines here have two cores); any warning fails the check
# (.clang-tidy makes them errors). The compile commands are GCC's: clang is told
# not to mind its warning options. clang-tidy's count of the warnings it hid
# (in system headers) says nothing and is left out.
printf '%s\n' "${files[@]}" |
  xargs -P 2 -n 1 "$tidy" -p build/release --quiet --extra-arg=-Wno-unknown-warning-option 2>&1 |
  { grep -v ' warnings\? generated\.$' || true; }
