#!/usr/bin/env bash
# Builds the Debian package from the release build and checks it: its control
# fields and dependencies, its files, that its man page renders, and that
# systemd accepts its unit. Install it with: apt install ./build/release/chat-node_*.deb
#
#   tools/package.sh     prints the package's path last
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/stage.sh

stage "install dependencies" tools/install-deps.sh --package
stage "configure (release)" cmake --preset release --log-level=WARNING
stage "build (release)" cmake --build --preset release --target chat_node man
rm -f build/release/chat-node_*.deb
stage "package (cpack)" bash -c 'cd build/release && cpack -G DEB >/dev/null'
deb=$(echo build/release/chat-node_*.deb)

fail() { echo "package: $*" >&2; exit 1; }
check_control() {
  local info
  info=$(dpkg-deb --info "$deb")
  echo "$info" | grep -E '^ (Package|Version|Architecture|Depends|Installed-Size):'
  echo "$info" | grep -q '^ Package: chat-node$' || fail "not named chat-node"
  # Depends comes from the libraries the binary links; these are the ones it cannot run without.
  local lib
  for lib in libopencv-videoio406 libturbojpeg0 libssl3 libboost-program-options1.81.0 libboost-json1.81.0 libc6; do
    echo "$info" | grep -E '^ Depends:' | grep -q "$lib" || fail "Depends does not name $lib"
  done
  echo "$info" | grep -q ' conffiles' || fail "no conffiles"
}
check_files() {
  local files path
  files=$(dpkg-deb --contents "$deb")
  for path in ./usr/bin/chat_node ./usr/lib/chat-node/chat_node-videoio.so ./usr/share/man/man1/chat_node.1.gz \
      ./lib/systemd/system/chat-node.service ./etc/default/chat-node ./usr/share/doc/chat-node/README.md; do
    echo "$files" | awk '{ print $6 }' | grep -qx "$path" || fail "$path is missing"
  done
  echo "$files" | awk '$6 == "./etc/default/chat-node" { print $1 }' | grep -qx -- '-rw-------' ||
    fail "/etc/default/chat-node must be readable by root only (it may hold the secret)"
  echo "$(echo "$files" | wc -l) entries"
}
check_man_page() {
  local root page
  root=$(mktemp -d)
  dpkg-deb --extract "$deb" "$root"
  page=$(MANWIDTH=100 man -l "$root/usr/share/man/man1/chat_node.1.gz" 2>&1)
  rm -rf "$root"
  local want
  for want in 'chat_node - live text and video chat between peers' '--listen' '--no-stdin' '/quit' 'CHAT_NODE_SECRET' 'FILES'; do
    grep -qF -- "$want" <<<"$page" || fail "the man page does not say '$want'"
  done
  echo "$(wc -l <<<"$page") lines"
}
check_unit() {
  local root out
  root=$(mktemp -d)
  dpkg-deb --extract "$deb" "$root"
  # Offline, with ExecStart pointed at the extracted binary; systemd only warns
  # of an unknown key or a bad value, so any word from it fails the check.
  mkdir "$root/check"
  sed "s|/usr/bin/chat_node|$root/usr/bin/chat_node|" "$root/lib/systemd/system/chat-node.service" \
    >"$root/check/chat-node.service"
  out=$(systemd-analyze verify --man=no "$root/check/chat-node.service" 2>&1) || true
  rm -rf "$root"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "systemd-analyze verify: no complaint"
}
# The installed program finds its videoio module (../lib/chat-node from it):
# asked for a file that is not there, the module itself answers.
check_module() {
  local root out
  root=$(mktemp -d)
  dpkg-deb --extract "$deb" "$root"
  out=$("$root/usr/bin/chat_node" --listen 127.0.0.1:0 --no-stdin --video "$root/missing.avi" 2>&1) || true
  rm -rf "$root"
  grep -qF 'missing.avi: no such file' <<<"$out" || fail "chat_node does not find its video module: $out"
  echo "chat_node loads /usr/lib/chat-node/chat_node-videoio.so"
}
stage "package: control fields" check_control
stage "package: files" check_files
stage "package: man page" check_man_page
stage "package: systemd unit" check_unit
stage "package: video module" check_module
echo "$deb"
