#!/usr/bin/env bash
# Makes sure a Docker engine answers and that shellcheck, which `npm run lint` runs, is there. An engine that already
# answers (Docker Desktop, a running dockerd) is not touched. Otherwise, on Debian/Ubuntu as root: installs docker.io
# and docker-compose when missing, removes a stale /var/run/docker.pid, starts dockerd in the background and waits for
# it (DOCKPROBE_DOCKERD_WAIT seconds, default 60). shellcheck is installed from the distribution's package when missing
# (as root with apt-get; elsewhere a warning says how). Exits 3 when no engine can be had.
set -euo pipefail
DP_LOG_NAME=ensure-docker DP_DIE_STATUS=3
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
apt_log=/var/log/dockprobe-ensure-docker-apt.log

engine_answers() { T=30 bounded_docker info >/dev/null 2>&1; }
# shellcheck disable=SC2317  # called by wait_until
socket_answers() { [ -S /var/run/docker.sock ] && engine_answers; }
engine_version() { T=30 bounded_docker version --format '{{.Server.Version}}' 2>/dev/null || true; }
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

answering=0
if engine_answers; then answering=1; fi
if [ "${answering}" = 0 ] && [ "$(id -u)" != 0 ]; then
  die "no Docker engine answers and this is not root: start Docker (Docker Desktop, systemctl start docker) and retry"
fi
pkgs=()
if [ "${answering}" = 0 ] && { ! command -v dockerd >/dev/null 2>&1 ||
  { ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; }; }; then
  command -v apt-get >/dev/null 2>&1 || die "no apt-get; install Docker by hand"
  pkgs+=(docker.io docker-compose iproute2 iptables)
fi
if ! command -v shellcheck >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    pkgs+=(shellcheck)
  else
    log "warning: no shellcheck, which npm run lint runs:" \
      "install it (apt-get install shellcheck, brew install shellcheck)"
  fi
fi
if [ "${#pkgs[@]}" -gt 0 ]; then
  log "installing ${pkgs[*]} (log: ${apt_log})"
  host_apt_install "${apt_log}" "${pkgs[@]}"
fi
# Under CI, the HTML report's test loads its page in headless Chromium (Debian's package); without it that test says it
# was skipped. A failed install is a warning: nothing else needs it.
if [ "${CI:-}" = true ] && ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] &&
  command -v apt-get >/dev/null 2>&1; then
  log "installing chromium for the HTML report's test (log: ${apt_log})"
  (host_apt_install "${apt_log}" chromium) || log "warning: chromium did not install; the HTML report's test is skipped"
fi
if [ "${answering}" = 1 ]; then
  log "engine reachable ($(engine_version)); not touched"
  exit 0
fi

# A dockerd killed at the end of an earlier session leaves its pid file, and a new dockerd then refuses to start.
if [ -f /var/run/docker.pid ] && ! alive "$(cat /var/run/docker.pid)"; then
  log "removing stale /var/run/docker.pid"
  rm -f /var/run/docker.pid
fi
if ! dockerd_running; then
  log "starting dockerd (log: /var/log/dockerd.log)"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
fi
wait_s=${DOCKPROBE_DOCKERD_WAIT:-60}
if wait_until "${wait_s}" 1 socket_answers; then
  log "engine $(engine_version) is up"
  exit 0
fi
log "dockerd did not answer within ${wait_s}s; last lines of /var/log/dockerd.log:"
tail -n 20 /var/log/dockerd.log >&2 || true
exit 3
