#!/usr/bin/env bash
# Installs what is missing, builds a release chat_node and starts it.
# Without arguments it listens on port 9999, sends the test pattern and serves
# its web page on http://127.0.0.1:8080/; any arguments replace those.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/stage.sh

stage "install dependencies" tools/install-deps.sh
stage "configure" cmake --preset release --log-level=WARNING -DCHATNODE_TESTS=OFF
stage "build" cmake --build --preset release --target chat_node

[ $# -gt 0 ] || set -- --listen 9999 --test-pattern --web 127.0.0.1:8080
exec build/release/chat_node "$@"
