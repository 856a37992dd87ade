#!/usr/bin/env bash
# Makes sure a Docker engine answers. If one already does (Docker Desktop, a running dockerd), nothing is touched.
# Otherwise, on Debian/Ubuntu as root: installs docker.io and docker-compose when missing, removes a stale
# /var/run/docker.pid, starts dockerd in the background and waits for it (DOCKPROBE_DOCKERD_WAIT seconds, default 60).
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "ensure-docker: engine reachable ($(docker version --format '{{.Server.Version}}' 2>/dev/null)); nothing to do" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-docker: no Docker engine answers and this is not root: start Docker (Docker Desktop, systemctl start docker) and retry" >&2
  exit 3
fi
if ! command -v dockerd >/dev/null 2>&1 || { ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; }; then
  command -v apt-get >/dev/null 2>&1 || { echo "ensure-docker: no apt-get; install Docker by hand" >&2; exit 3; }
  echo "ensure-docker: installing docker.io and docker-compose" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io docker-compose iproute2 iptables >/dev/null
fi
# Whether a pid is a live process: a zombie (killed, never reaped where no init reaps) counts as dead.
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n "${state}" && "${state}" != Z* ]]
}
dockerd_running() {
  local pid
  for pid in $(pgrep -x dockerd 2>/dev/null); do alive "${pid}" && return 0; done
  return 1
}
# A dockerd killed at the end of an earlier session leaves its pid file, and a new dockerd then refuses to start.
if [ -f /var/run/docker.pid ] && ! alive "$(cat /var/run/docker.pid)"; then
  echo "ensure-docker: removing stale /var/run/docker.pid" >&2
  rm -f /var/run/docker.pid
fi
if ! dockerd_running; then
  echo "ensure-docker: starting dockerd (log: /var/log/dockerd.log)" >&2
  nohup dockerd >/var/log/dockerd.log 2>&1 &
fi
wait_s=${DOCKPROBE_DOCKERD_WAIT:-60}
for _ in $(seq 1 "$wait_s"); do
  if [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1; then
    echo "ensure-docker: engine $(docker version --format '{{.Server.Version}}') is up" >&2
    exit 0
  fi
  sleep 1
done
echo "ensure-docker: dockerd did not answer within ${wait_s}s; last lines of /var/log/dockerd.log:" >&2
tail -n 20 /var/log/dockerd.log >&2 || true
exit 3
