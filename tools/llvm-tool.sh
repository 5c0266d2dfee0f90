# Sourced by tools/format-check.sh and tools/tidy-check.sh: `llvm_tool NAME`
# prints the path of Debian's NAME-14, or of NAME, or says how to get it and
# exits 2.
llvm_tool() {
  local found
  found=$(command -v "$1-14" || command -v "$1" || true)
  if [ -z "$found" ]; then
    echo "$(basename "$0" .sh): $1 not found (tools/install-deps.sh installs it)" >&2
    exit 2
  fi
  echo "$found"
}
