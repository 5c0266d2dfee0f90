#!/usr/bin/env bash
# Installs what is missing, builds a release chat_node and starts it.
# Without arguments it listens on port 9999 and sends the test pattern; any
# arguments replace those.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/stage.sh

stage "install dependencies" tools/install-deps.sh
stage "configure" cmake --preset release --log-level=WARNING -DCHATNODE_TESTS=OFF
stage "build" cmake --build --preset release --target chat_node

[ $# -gt 0 ] || set -- --listen 9999 --test-pattern
exec build/release/chat_node "$@"
