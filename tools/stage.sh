# Sourced by the scripts in tools/ and .ci/: runs one named stage and prints its
# duration. With CHATNODE_STAGE_LOG naming a file, each stage (nested ones too,
# with their depth) is also noted there for stage_summary. A failing stage ends
# the script (set -e), so it is noted as begun and never as done.
stage() {
  local name="$1"; shift
  local start=$SECONDS
  local depth=$((${CHATNODE_STAGE_DEPTH:-0} + 1))
  [ -z "${CHATNODE_STAGE_LOG:-}" ] || printf 'begin\t%s\t%s\n' "$depth" "$name" >>"$CHATNODE_STAGE_LOG"
  echo "==> $name"
  CHATNODE_STAGE_DEPTH=$depth "$@"
  local took=$((SECONDS - start))
  [ -z "${CHATNODE_STAGE_LOG:-}" ] || printf 'done\t%s\t%s\t%s\n' "$depth" "$name" "$took" >>"$CHATNODE_STAGE_LOG"
  echo "==> $name: done in $took s"
}

# One line: each top-level stage noted in CHATNODE_STAGE_LOG with its time and,
# in brackets, the stages within it that took a second or more; a stage that
# began and did not finish is named as failed.
stage_summary() {
  [ -s "${CHATNODE_STAGE_LOG:-}" ] || return 0
  awk -F '\t' '
    $1 == "begin" { open[$2] = $3 }
    $1 == "done" && $2 == 2 && $4 > 0 { inner = inner (inner ? ", " : "") $3 " " $4 }
    $1 == "done" && $2 == 1 {
      line = line (line ? " | " : "") $3 " " $4 " s" (inner ? " [" inner "]" : "")
      inner = ""; delete open[1]
    }
    $1 == "done" { delete open[$2] }
    END {
      if (1 in open) line = line (line ? " | " : "") open[1] " FAILED" (2 in open ? " in " open[2] : "")
      print "==> stage times: " line
    }' "$CHATNODE_STAGE_LOG"
}
