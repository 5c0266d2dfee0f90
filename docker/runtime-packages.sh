#!/bin/bash
# Prints the Debian packages owning the shared libraries that BINARY names
# (DT_NEEDED), found as ldd resolves them, one a line; apt brings their own
# dependencies. dpkg may know a library under /lib or /usr/lib (merged /usr),
# so both are asked. Run where the binary was built (docker/Dockerfile's build
# stage, or docker/test-pair.sh for a binary built on this machine).
#
#   docker/runtime-packages.sh BINARY
set -euo pipefail
binary=${1:?usage: runtime-packages.sh BINARY}
for lib in $(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }'); do
  path=$(ldd "$binary" | awk -v lib="$lib" '$1 == lib { print $3 }')
  { dpkg -S "$path" || dpkg -S "/usr$path" || dpkg -S "${path#/usr}"; } 2>/dev/null | head -n1 | cut -d: -f1
done | sort -u
