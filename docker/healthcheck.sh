#!/bin/bash
# The image's HEALTHCHECK: GET /stats.json from the node's own web page, with
# bash's /dev/tcp since the image carries no HTTP client. The page's address is
# read from the node's command line (--web), so it follows whatever port the
# container was started with. With no --web there is nothing to ask, and a
# running node is healthy.
#
# A page bound to a non-loopback address needs the token: set
# CHAT_NODE_WEB_TOKEN in the container's environment (the node reads it too).
set -euo pipefail

mapfile -d '' args < /proc/1/cmdline
web=""
for i in "${!args[@]}"; do
  case "${args[i]}" in
    --web) web="${args[i + 1]:-}" ;;
    --web=*) web="${args[i]#--web=}" ;;
  esac
done
if [ -z "$web" ]; then
  kill -0 1
  exit 0
fi

# --web [HOST:]PORT, HOST defaulting to loopback; a page on every interface is
# asked on loopback, which the node accepts as a Host for such a page.
port="${web##*:}"
host="${web%:*}"
[ "$host" != "$web" ] || host=127.0.0.1
case "$host" in "" | 0.0.0.0 | "[::]") host=127.0.0.1 ;; esac
connect_host="${host#[}"
connect_host="${connect_host%]}"

query=""
[ -z "${CHAT_NODE_WEB_TOKEN:-}" ] || query="?token=${CHAT_NODE_WEB_TOKEN}"

exec 3<>"/dev/tcp/${connect_host}/${port}"
printf 'GET /stats.json%s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' \
  "$query" "$host" "$port" >&3
IFS= read -r -t 4 status <&3 || { echo "no answer from ${host}:${port}"; exit 1; }
status="${status%$'\r'}"
echo "GET http://${host}:${port}/stats.json: ${status}"
[[ "$status" == "HTTP/1.1 200"* ]]
