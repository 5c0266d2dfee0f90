#!/usr/bin/env bash
# Whether the C++ sources follow .clang-format; with --fix, makes them follow it.
# Prints each file that differs; exit 1 when one does (and --fix was not given).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/llvm-tool.sh
format=$(llvm_tool clang-format)
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' | grep -v '^tests/browser/')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$format" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "format-check: $f differs from .clang-format (tools/format-check.sh --fix)"
    bad=1
  fi
done
exit "$bad"
