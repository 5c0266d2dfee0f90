# Sourced by the scripts in tools/ and .ci/: runs one named stage and prints its duration.
stage() {
  local name="$1"; shift
  local start=$SECONDS
  echo "==> $name"
  "$@"
  echo "==> $name: done in $((SECONDS - start)) s"
}
