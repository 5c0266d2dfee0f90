#!/usr/bin/env bash
# Installs the Debian bookworm packages chat_node needs, and only the missing ones.
# Idempotent and silent when everything is present. Run as root (or via sudo).
#
#   tools/install-deps.sh            build + run dependencies
#   tools/install-deps.sh --test     also what the test suite uses
#   tools/install-deps.sh --bench    also what the benchmark plot uses
#   tools/install-deps.sh --pair     also what docker/test-pair.sh checks with
#   tools/install-deps.sh --docker   also the Docker engine, compose and debootstrap
#   tools/install-deps.sh --package  also what tools/package.sh checks the package with
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config ccache
  libboost1.81-dev                   # Asio, Beast, JSON (header-only parts, compiled once by us)
  libboost-program-options1.81-dev   # command-line parsing
  libboost-json1.81-dev              # /stats.json and the web socket's messages
  libopencv-dev                      # capture, resize, drawing, display, recording
  libturbojpeg0-dev                  # JPEG encode/decode, several times faster than OpenCV 4.6's
  libavformat-dev                    # records received MJPEG into AVI without re-encoding
  libxcb1-dev                        # asks the X server before OpenCV's Qt windows would abort on a dead one
  libssl-dev                         # TLS and HMAC
  libnats-dev                        # the NATS client: a room bridged over a cluster (--cluster)
  help2man dpkg-dev file             # the man page from --help; the Debian package's dependencies (dpkg-shlibdeps, which CPack finds binaries for with file)
)
test_pkgs=(
  catch2                             # unit and integration tests
  python3 python3-opencv             # the teaching-program peer used in tests
  clang libclang-rt-14-dev           # libFuzzer and sanitizer runtimes
  clang-format                       # the sources' layout, checked by tools/format-check.sh
  clang-tidy                         # the sans-io sources' lint, tools/tidy-check.sh
  netcat-openbsd iproute2            # plain-tool peers and namespace tests
  nats-server                        # the cluster tests start their own servers
  tcpdump                            # a capture of a TLS session must hold none of its chat text
  chromium                           # the real browser test (tests/browser) drives Debian's build headless
)
# The browser test is a Node script (playwright-core); any node >= 18 with npm will do,
# so Debian's (node 18) only when there is none on PATH: a NodeSource node bundles its own
# npm and conflicts with Debian's npm package.
test_node_pkgs=(nodejs npm)
bench_pkgs=(
  python3-matplotlib                 # bench/plot.py
  opencv-doc                         # vtest.avi, real footage for frame_throughput --source
)
pair_pkgs=(
  python3 python3-websocket          # docker/check_pair.py talks to each node's page
  iproute2                           # the namespace pair
)
package_pkgs=(
  man-db                             # renders the man page (man -l)
  systemd                            # systemd-analyze verify checks the unit
)
docker_pkgs=(
  docker.io docker-compose           # Debian's engine, and compose v1 (bookworm has no compose plugin)
  debootstrap                        # a local base image where no registry can be reached
)

want=("${build_pkgs[@]}")
for arg in "$@"; do
  case "$arg" in
    --test)
      want+=("${test_pkgs[@]}")
      command -v node >/dev/null && command -v npm >/dev/null || want+=("${test_node_pkgs[@]}")
      ;;
    --bench) want+=("${bench_pkgs[@]}") ;;
    --pair) want+=("${pair_pkgs[@]}") ;;
    --docker) want+=("${docker_pkgs[@]}") ;;
    --package) want+=("${package_pkgs[@]}") ;;
    *) echo "install-deps: unknown option '$arg' (use --test, --bench, --pair, --docker, --package)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# --no-install-recommends: libopencv-dev's recommends pull in hundreds of MB we never use.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
