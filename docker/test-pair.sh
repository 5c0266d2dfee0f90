#!/usr/bin/env bash
# Proves the two-node pair of docker/compose.yml: alice listens, bob connects,
# both send the test pattern; through each node's web page a line is sent each
# way, then each node's /stats.json is read until text and video have crossed
# in both directions (docker/check_pair.py).
#
#   docker/test-pair.sh                 the namespace pair, then the Docker pair if an engine starts
#   docker/test-pair.sh --netns-only    the namespace pair only
#   docker/test-pair.sh --docker-only   the Docker pair only (fails when no engine starts)
#
#   --binary PATH          chat_node for the namespace pair (default: build/release/chat_node)
#   --docker-timeout SEC   give the Docker pair up after SEC seconds, and say so (default: 900)
#   --docker-package DEB   the Docker image from the Debian package DEB (tools/package.sh)
#                          instead of compiling it again in the image: docker/Dockerfile's
#                          runtime stage, unchanged, on a stage that holds that package
#
# Namespace pair: the nodes run in two network namespaces joined by a veth pair
# (10.203.0.1/30 and .2/30), as compose's network joins the containers; each
# page is on its namespace's loopback, and the checker runs inside it.
# Docker pair: the image is built from source (on a debian:bookworm-slim made
# here with debootstrap when there is none, so no registry is needed),
# docker/compose.yml is started with free host ports and fresh tokens, and the
# pages are reached on the host's loopback.
#
# Run as root. Everything created here is removed on exit, failed or not:
# processes, namespaces, links, containers, networks, images, and a Docker
# engine started here. Network traffic goes only to loopback, to those
# namespaces and containers, and (Docker pair) to the Debian mirror apt uses.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
source tools/stage.sh

mode=both
binary=build/release/chat_node
docker_timeout=900
package=
while [ $# -gt 0 ]; do
  case "$1" in
    --netns-only) mode=netns; shift ;;
    --docker-only) mode=docker; shift ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --docker-timeout) docker_timeout="${2:?--docker-timeout needs seconds}"; shift 2 ;;
    --docker-package) package="${2:?--docker-package needs a .deb}"; shift 2 ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "test-pair: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "test-pair: run as root (namespaces, Docker)" >&2; exit 2; }

log() { echo "test-pair: $*"; }
check=(/usr/bin/python3 docker/check_pair.py)
tmp=$(mktemp -d /tmp/chatnode-pair.XXXXXX)

# --- cleanup: a stack of commands, undone in reverse on exit or by undo_to ---
undo=()
defer() { undo+=("$1"); }
undo_to() {  # undoes down to stack size N (default: everything), saying what and how long
  local keep=${1:-0} i t
  for ((i = ${#undo[@]} - 1; i >= keep; i--)); do
    t=$SECONDS
    eval "${undo[i]}" || true
    [ "$((SECONDS - t))" -lt 2 ] || log "undo '${undo[i]}': $((SECONDS - t)) s"
    unset 'undo[i]'
  done
}
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ]; then
    local f
    for f in "$tmp"/*.log; do
      [ -s "$f" ] || continue
      echo "--- last lines of $(basename "$f")" >&2
      tail -n 25 "$f" >&2
    done
  fi
  undo_to 0
  rm -rf "$tmp"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints the first match of an extended regex in FILE, waiting up to SECONDS
# while process PID lives.
wait_for_line() {
  local file=$1 regex=$2 seconds=$3 pid=$4 i
  for ((i = 0; i < seconds * 10; i++)); do
    grep -m1 -oE "$regex" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { log "process $pid ended before printing /$regex/"; return 1; }
    sleep 0.1
  done
  log "no /$regex/ in $(basename "$file") within $seconds s"
  return 1
}

# SIGTERM (the node says bye to its peers and exits 0), up to 10 s, then SIGKILL.
# Returns the process's exit status.
stop_process() {
  local pid=$1 i rc=0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid still running 10 s after SIGTERM: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}

# The pair being proven: "namespace" or "Docker", and each node's page URL (and
# namespace): the checker runs where the page can be reached.
pair_kind=""
declare -A url=() netns_of=()

ask() {  # NODE SUBCOMMAND ARGS...: check_pair.py against NODE's page
  local node=$1 cmd=$2
  shift 2
  local -a in=()
  [ "$pair_kind" != namespace ] || in=(ip netns exec "${netns_of[$node]}")
  "${in[@]}" "${check[@]}" "$cmd" "${url[$node]}" "$@"
}
both_connected() {  # SECONDS
  ask alice wait --peer bob --texts 0 --frames 0 --timeout "$1" &&
    ask bob wait --peer alice --texts 0 --frames 0 --timeout "$1"
}
both_say() {
  ask alice say "hello bob, from alice ($pair_kind)" &&
    ask bob say "hello alice, from bob ($pair_kind)"
}
both_received() {  # each node has its peer's line and at least 10 decoded frames
  ask alice wait --peer bob --timeout 60 && ask bob wait --peer alice --timeout 60
}
prove_pair() {  # SECONDS to wait for the link
  stage "$pair_kind pair: connected both ways" both_connected "$1"
  stage "$pair_kind pair: a line through each page" both_say
  stage "$pair_kind pair: text and video crossed both ways" both_received
}

# --- the namespace pair ---------------------------------------------------------
ns_a=chatnode-alice-$$
ns_b=chatnode-bob-$$

start_node() {  # NAME NAMESPACE ARGS...: starts chat_node in the namespace, sets node_pid
  local name=$1 ns=$2; shift 2
  # As a service runs it: no standard input; each is used through its page.
  ip netns exec "$ns" "$binary" --name "$name" --test-pattern --no-stdin "$@" \
    </dev/null >"$tmp/$name.out.log" 2>"$tmp/$name.log" &
  node_pid=$!
  defer "stop_process $node_pid"
}

netns_pair() {
  [ -x "$binary" ] || { log "no $binary: build it first (cmake --preset release && cmake --build --preset release)"; return 1; }
  stage "namespace pair: packages" tools/install-deps.sh --pair
  local veth_a=cnpa$$ veth_b=cnpb$$
  log "namespaces $ns_a and $ns_b, veth $veth_a (10.203.0.1/30) <-> $veth_b (10.203.0.2/30)"
  ip netns add "$ns_a"
  defer "ip netns del $ns_a"
  ip netns add "$ns_b"
  defer "ip netns del $ns_b"
  ip link add "$veth_a" type veth peer name "$veth_b"
  # Gone with the namespaces once moved; this covers a failure before that.
  defer "ip link del $veth_a 2>/dev/null"
  ip link set "$veth_a" netns "$ns_a"
  ip link set "$veth_b" netns "$ns_b"
  ip -n "$ns_a" addr add 10.203.0.1/30 dev "$veth_a"
  ip -n "$ns_b" addr add 10.203.0.2/30 dev "$veth_b"
  local ns
  for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
  ip -n "$ns_a" link set "$veth_a" up
  ip -n "$ns_b" link set "$veth_b" up

  local alice_pid bob_pid alice_url bob_url listening
  start_node alice "$ns_a" --listen 10.203.0.1:9999 --web 127.0.0.1:8081
  alice_pid=$node_pid
  listening=$(wait_for_line "$tmp/alice.log" 'listening on [^ ]+' 10 "$alice_pid")
  log "alice is $listening"
  alice_url=$(wait_for_line "$tmp/alice.log" 'web page at http://[^ ]+' 10 "$alice_pid")
  alice_url=${alice_url#web page at }
  start_node bob "$ns_b" --connect 10.203.0.1:9999 --web 127.0.0.1:8082
  bob_pid=$node_pid
  bob_url=$(wait_for_line "$tmp/bob.log" 'web page at http://[^ ]+' 10 "$bob_pid")
  bob_url=${bob_url#web page at }
  log "alice's page: $alice_url (in $ns_a), bob's page: $bob_url (in $ns_b)"

  pair_kind=namespace
  url=([alice]="$alice_url" [bob]="$bob_url")
  netns_of=([alice]="$ns_a" [bob]="$ns_b")
  prove_pair 20

  local rc=0
  stop_process "$bob_pid" || rc=$?
  [ "$rc" -eq 0 ] || { log "bob exited with $rc after SIGTERM, expected 0"; return 1; }
  stop_process "$alice_pid" || rc=$?
  [ "$rc" -eq 0 ] || { log "alice exited with $rc after SIGTERM, expected 0"; return 1; }
  log "both nodes said bye and exited 0"
  undo_to 0
  if ip netns list | grep -qE "^($ns_a|$ns_b)( |$)"; then log "namespaces left behind"; return 1; fi
}

# --- the Docker pair ------------------------------------------------------------
# The engine is asked through the docker client on PATH; Debian's is
# /usr/bin/docker. The classic builder: BuildKit needs the buildx plugin on
# recent clients, which bookworm does not ship.
export DOCKER_BUILDKIT=0
base_image=debian:bookworm-slim
image=chat_node:pair-$$
build_image=chat_node:pair-build-$$
project=chatnode-pair-$$
dockerd_pid=""

start_engine() {
  if docker info >/dev/null 2>&1; then
    log "using the running Docker engine"
    return 0
  fi
  command -v dockerd >/dev/null || { log "no dockerd"; return 1; }
  # Its own session, so a signal to this script's process group (timeout(1))
  # leaves the engine up for the cleanup, which stops it. It changes nothing
  # on the host that would outlive it: no firewall rules, no forwarding, no
  # default bridge. The pair needs none of them: the containers share
  # compose's bridge, the pages are published by Docker's userland proxy, and
  # the build uses the host's network.
  setsid dockerd --iptables=false --ip-forward=false --bridge=none \
    >"$tmp/dockerd.txt" 2>&1 </dev/null &
  dockerd_pid=$!
  defer "stop_process $dockerd_pid"
  local i
  for ((i = 0; i < 300; i++)); do
    if docker info >/dev/null 2>&1; then
      log "started dockerd (pid $dockerd_pid) in $((i / 10)).$((i % 10)) s"
      return 0
    fi
    kill -0 "$dockerd_pid" 2>/dev/null || { log "dockerd exited: $(tail -n 3 "$tmp/dockerd.txt")"; return 1; }
    sleep 0.1
  done
  log "dockerd did not answer within 30 s: $(tail -n 3 "$tmp/dockerd.txt")"
  return 1
}

# A debian:bookworm-slim stand-in from Debian's own packages, fetched from the
# mirror apt already uses (and only from it), with the same suites as the
# official image.
make_base_image() {
  local mirror security
  mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' |
    awk '$2 == "bookworm" { print $1; exit }')
  security=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' |
    awk '$2 == "bookworm-security" { print $1; exit }')
  if [ -z "$mirror" ]; then
    log "apt knows no bookworm source to make $base_image from (apt-get indextargets lists none);"
    log "add one to /etc/apt/sources.list, or load a Debian bookworm image as $base_image"
    return 1
  fi
  log "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$tmp/rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1
  {
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [ -z "$security" ] || echo "deb $security bookworm-security main"
  } >"$tmp/rootfs/etc/apt/sources.list"
  # What apt downloaded to build it; the image's users run apt-get update.
  rm -rf "$tmp/rootfs/var/cache/apt/"*.bin "$tmp/rootfs/var/cache/apt/archives/"*.deb \
    "$tmp/rootfs/var/lib/apt/lists/"*
  tar -C "$tmp/rootfs" -c . | docker import -c 'CMD ["bash"]' - "$base_image" >/dev/null
  rm -rf "$tmp/rootfs"
  docker image ls "$base_image" --format "{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}"
}

# docker build, showing its steps; the whole output is in LOG. On failure the
# classic builder keeps the steps it committed as untagged images: the last
# one is removed, and with it its untagged parents.
build() {
  local log=$1; shift
  local rc=0
  local t0=$SECONDS line
  docker build --network host --force-rm "$@" . 2>&1 | tee "$log" |
    grep --line-buffered -E '^(Step [0-9]+/[0-9]+ : (FROM|RUN|COPY --from)|Successfully tagged)|installed: chat-node' |
    while IFS= read -r line; do printf '  [%3d s] %.150s\n' "$((SECONDS - t0))" "$line"; done || rc=$?
  if [ "$rc" -ne 0 ]; then
    local last
    last=$(grep -oE '^ ---> [0-9a-f]{12}$' "$log" | tail -n 1 | cut -c7-)
    if [ -n "$last" ] && [ "$(docker image inspect -f '{{len .RepoTags}}' "$last" 2>/dev/null)" = 0 ]; then
      docker rmi "$last" >/dev/null 2>&1 || true
    fi
  fi
  return "$rc"
}

# The runtime stage of docker/Dockerfile (from its last FROM), unchanged, on a
# stage whose /out holds --docker-package's package, as the build stage's would.
package_image() {
  [ -f "$package" ] || { log "no $package"; return 1; }
  local ctx="$tmp/context"
  mkdir -p "$ctx/out" "$ctx/docker"
  cp "$package" "$ctx/out/chat-node.deb"
  cp docker/healthcheck.sh "$ctx/docker/"
  {
    sed -n '/^ARG BASE_IMAGE=/p' docker/Dockerfile
    echo 'FROM ${BASE_IMAGE} AS build'
    echo 'COPY out /out'
    awk '/^FROM / { n = NR } { line[NR] = $0 } END { for (i = n; i <= NR; i++) print line[i] }' docker/Dockerfile
  } >"$ctx/Dockerfile"
  (cd "$ctx" && build "$tmp/runtime-image.log" -f Dockerfile -t "$image")
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

compose_down() {
  "${compose[@]}" -p "$project" -f docker/compose.yml down --volumes --remove-orphans --timeout 10 2>&1 |
    sed 's/^/  /'
}

docker_pair() {
  stage "Docker pair: packages" tools/install-deps.sh --docker --pair
  # Not through stage(): a failure here is a skip, and stage() in a condition
  # would not see it.
  log "Docker engine"
  start_engine || return 3
  local engine_mark=${#undo[@]}

  compose=()
  if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
  elif command -v docker-compose >/dev/null; then
    compose=(docker-compose)
  else
    log "neither 'docker compose' nor docker-compose"
    return 1
  fi
  log "compose: ${compose[*]} ($("${compose[@]}" version --short 2>/dev/null || true))"

  local made_base=no
  if docker image inspect "$base_image" >/dev/null 2>&1; then
    log "using the local $base_image"
  else
    made_base=yes
    defer "docker rmi $base_image >/dev/null 2>&1"
    stage "Docker pair: base image $base_image (debootstrap, import)" make_base_image
  fi

  if [ -n "$package" ]; then
    defer "docker rmi $image >/dev/null 2>&1"
    stage "Docker pair: runtime image from $package" package_image
  else
    defer "docker rmi $build_image >/dev/null 2>&1"
    stage "Docker pair: build stage" build "$tmp/build-stage.log" -f docker/Dockerfile --target build -t "$build_image"
    defer "docker rmi $image >/dev/null 2>&1"
    stage "Docker pair: runtime image" build "$tmp/runtime-image.log" -f docker/Dockerfile -t "$image"
  fi
  docker image ls "$image" --format "image {{.Repository}}:{{.Tag}}: {{.Size}}"

  local token_a token_b
  export CHAT_NODE_IMAGE=$image
  ALICE_WEB_PORT=$(free_port)
  BOB_WEB_PORT=$(free_port)
  while [ "$BOB_WEB_PORT" = "$ALICE_WEB_PORT" ]; do BOB_WEB_PORT=$(free_port); done
  token_a=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  token_b=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  export ALICE_WEB_PORT BOB_WEB_PORT ALICE_WEB_TOKEN=$token_a BOB_WEB_TOKEN=$token_b

  defer "compose_down"
  stage "Docker pair: compose up (project $project)" \
    "${compose[@]}" -p "$project" -f docker/compose.yml up -d --no-build
  local alice bob
  alice=$("${compose[@]}" -p "$project" -f docker/compose.yml ps -q alice)
  bob=$("${compose[@]}" -p "$project" -f docker/compose.yml ps -q bob)
  defer "docker logs $alice >$tmp/alice-container.log 2>&1; docker logs $bob >$tmp/bob-container.log 2>&1"

  # Containers join through compose's network only; the pages are published
  # on the host's loopback, which is where they are checked.
  pair_kind=Docker
  url=([alice]="http://127.0.0.1:$ALICE_WEB_PORT/?token=$token_a"
    [bob]="http://127.0.0.1:$BOB_WEB_PORT/?token=$token_b")
  prove_pair 60

  stage "Docker pair: both containers healthy" wait_healthy "$alice" "$bob"
  log "bob restarted $(docker inspect -f '{{.RestartCount}}' "$bob") time(s) before alice was up"
  "${compose[@]}" -p "$project" -f docker/compose.yml ps

  stage "Docker pair: teardown" undo_to "$engine_mark"
  local left
  left=$(docker ps -aq --filter "label=com.docker.compose.project=$project"
    docker network ls -q --filter "label=com.docker.compose.project=$project"
    docker image ls -q "$image"
    docker image ls -q "$build_image"
    [ "$made_base" = no ] || docker image ls -q "$base_image")
  [ -z "$left" ] || { log "left behind: $left"; return 1; }
  log "no container, network or image left behind"
}

# HEALTHCHECK runs every 10 s, the first 10 s after start; up to 60 s.
wait_healthy() {
  local c s i all
  for ((i = 0; i < 120; i++)); do
    all=yes
    for c in "$@"; do
      s=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$c")
      case "$s" in
        healthy) ;;
        unhealthy) log "container $c unhealthy: $(docker inspect -f '{{json .State.Health.Log}}' "$c")"; return 1 ;;
        *) all=no ;;
      esac
    done
    if [ "$all" = yes ]; then
      log "healthy: $(docker inspect -f '{{(index .State.Health.Log 0).Output}}' "$1" | tr -d '\n')"
      return 0
    fi
    sleep 0.5
  done
  log "not healthy within 60 s"
  return 1
}

# --- main -----------------------------------------------------------------------
start=$SECONDS
case "$mode" in
  netns)
    stage "namespace pair" netns_pair ;;
  docker)
    stage "Docker pair" docker_pair ;;
  both)
    stage "namespace pair" netns_pair
    rm -f "$tmp"/*.log
    # The Docker pair in a child bounded by timeout(1); the child cleans up
    # after itself when it is stopped.
    rc=0
    docker_args=(--docker-only --binary "$binary")
    [ -z "$package" ] || docker_args+=(--docker-package "$package")
    timeout --kill-after=90 "$docker_timeout" "$self" "${docker_args[@]}" || rc=$?
    case "$rc" in
      0) log "Docker pair: passed" ;;
      3) log "Docker pair: SKIPPED, no Docker engine could be started here (the namespace pair ran)" ;;
      124 | 137) log "Docker pair: GAVE UP after $docker_timeout s (the namespace pair passed)" ;;
      *) log "Docker pair: FAILED ($rc)"; exit 1 ;;
    esac ;;
esac
log "done in $((SECONDS - start)) s"
