# shellcheck shell=bash
# What dockprobe's shell scripts share. Source it from a script in scripts/ (or .ci/):
#   . "$(dirname "$0")/lib/common.sh"
# and set DP_LOG_NAME first if the script's log lines should not start with its file name.
#   log, die, die_log          messages to stderr as "NAME: …"; die exits with DP_DIE_STATUS (1 unless set)
#   require_root               dies unless root
#   lock NAME [SECONDS]        one holder at a time of $DP_LOCK_DIR/.lock-NAME, until the script exits
#   wait_until SECONDS INTERVAL CMD…  CMD again until it succeeds; 1 after SECONDS, 2 if CMD returns DP_STOP_WAITING
#   retry ATTEMPTS DELAY CMD…  CMD until it succeeds, at most ATTEMPTS times
#   host_docker …              the host's engine, bounded, whatever DOCKER_HOST says
#   inner_docker SOCKET …      the engine at a unix socket, bounded
#   bounded_docker …           the engine DOCKER_HOST names, bounded
#   engine_container_*         an engine run as a container on the host's engine (engine.sh, swarm-cluster.sh)
#   host_apt_install LOG PKG…  apt-get install on this machine, one at a time
#   debian_mirror, debian_security_mirror   Debian's archive as this machine's apt sources name it
#   default_route_dev [-6]     the interface of the default route
#   tap_counts FILE            "PASS FAIL" of tap's last summary line in FILE
# Every docker call made through these is bounded: T=SECONDS before a call sets its own bound.

DP_LOG_NAME=${DP_LOG_NAME:-$(basename "$0")}
DP_DIE_STATUS=${DP_DIE_STATUS:-1}
DP_LOCK_DIR=${DP_LOCK_DIR:-${DOCKPROBE_ENGINES_DIR:-/var/cache/dockprobe-engines}}
DP_LOCK_WAIT=${DP_LOCK_WAIT:-1200}
DP_DOCKER_TIMEOUT=${DP_DOCKER_TIMEOUT:-600}
DP_OUTER_DOCKER_HOST=${DOCKPROBE_OUTER_DOCKER_HOST:-unix:///var/run/docker.sock}
DP_STOP_WAITING=100
DP_DEBIAN_FALLBACK=http://deb.debian.org/debian
DP_APT_DIR=${DP_APT_DIR:-/etc/apt}

log() { printf '%s: %s\n' "$DP_LOG_NAME" "$*" >&2; }
die() {
  log "$*"
  exit "$DP_DIE_STATUS"
}
die_log() { # MESSAGE FILE: the message and the file's last lines
  log "$1; last lines of $2:"
  tail -n 25 "$2" >&2 || true
  exit "$DP_DIE_STATUS"
}
require_root() { [ "$(id -u)" = 0 ] || die "run as root"; }

# The lock is an flock on a descriptor of its own, held until this shell exits (a subshell's lock ends with it), and
# by every process started in the background meanwhile, which inherits the descriptor: take it in a subshell when one is.
lock() {
  local fd
  mkdir -p "$DP_LOCK_DIR"
  exec {fd}>"$DP_LOCK_DIR/.lock-$1"
  flock -w "${2:-$DP_LOCK_WAIT}" "$fd" || die "another run still holds $DP_LOCK_DIR/.lock-$1"
}

# CMD returns 0 when the wait is over, DP_STOP_WAITING when it never will be (a container that stopped), anything
# else to be asked again after INTERVAL seconds. Returns 0, 1 (SECONDS passed) or 2 (given up).
wait_until() {
  local deadline=$((SECONDS + $1)) interval=$2 rc
  shift 2
  while :; do
    "$@" && return 0
    rc=$?
    [ "$rc" != "$DP_STOP_WAITING" ] || return 2
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep "$interval"
  done
}

# For what fails now and then for a reason outside this machine (a mirror's hiccup); returns CMD's last status.
retry() {
  local attempts=$1 delay=$2 i rc
  shift 2
  for ((i = 1; ; i++)); do
    "$@" && return 0
    rc=$?
    [ "$i" -lt "$attempts" ] || return "$rc"
    log "attempt $i of $attempts failed (exit $rc): $1; again in ${delay}s"
    sleep "$delay"
  done
}

host_docker() {
  timeout "${T:-$DP_DOCKER_TIMEOUT}" env DOCKER_HOST="$DP_OUTER_DOCKER_HOST" DOCKER_CONTEXT='' docker "$@"
}
inner_docker() {
  local sock=$1
  shift
  timeout "${T:-$DP_DOCKER_TIMEOUT}" env DOCKER_HOST="unix://$sock" DOCKER_CONTEXT='' docker "$@"
}
bounded_docker() { timeout "${T:-$DP_DOCKER_TIMEOUT}" docker "$@"; }

# How an engine runs as a container on the host's engine. Not --privileged: that fails where root lacks
# CAP_SYS_RESOURCE ("unable to apply caps"); every other capability is given, and the engine's init remounts /sys and
# the cgroup mounts read-write. The init runs under tini -g, which passes SIGTERM to the init's whole process group.
# shellcheck disable=SC2034  # for the scripts that source this
DP_ENGINE_CONTAINER_OPTS=(--restart no --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined
  --security-opt apparmor=unconfined --security-opt systempaths=unconfined --cgroupns private)
engine_container_running() { [ "$(T=30 host_docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
engine_container_pid() { T=30 host_docker inspect -f '{{.State.Pid}}' "$1"; }
engine_container_log_tail() { # CID LINES, indented, to stderr
  T=30 host_docker logs --tail "$2" "$1" 2>&1 | sed 's/^/  /' >&2 || true
}

# engine_container_stop CID SECONDS WHAT: SIGTERM to its init, which stops the engine (and, without live-restore,
# its containers); killed after SECONDS, then removed. Returns 1 if it had to be killed.
engine_container_stop() {
  local cid=$1 wait=$2 what=$3 pid rc=0
  pid=$(engine_container_pid "$cid")
  if [ "$pid" -gt 0 ]; then
    log "stopping $what: SIGTERM to pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until "$wait" 0.2 not engine_container_running "$cid"; then
      log "$what still running ${wait}s after SIGTERM; killing it. Last lines of its log:"
      engine_container_log_tail "$cid" 25
      rc=1
    fi
  fi
  T=60 host_docker rm -f "$cid" >/dev/null
  return "$rc"
}
not() { ! "$@"; }

# engine_container_wait CID SOCKET SECONDS WHAT: until the engine answers at SOCKET; dies with the container's last
# log lines if the container stops or SECONDS pass.
engine_container_wait() {
  local cid=$1 sock=$2 wait=$3 what=$4
  wait_until "$wait" 0.2 engine_answers_in "$cid" "$sock" && return 0
  log "$what did not answer at unix://$sock within ${wait}s; last lines of its log:"
  engine_container_log_tail "$cid" 25
  die "$what did not start"
}
engine_answers_in() { # CID SOCKET
  engine_container_running "$1" || return "$DP_STOP_WAITING"
  T=10 inner_docker "$2" version >/dev/null 2>&1
}

umount_under() { # every mount at or below $1, deepest first
  awk -v p="$1" '$2 == p || index($2, p "/") == 1 {print $2}' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
}

# apt-get on this machine, serialised with every other script's (lock host-apt); the output goes to LOG.
host_apt_install() {
  local log_file=$1
  shift
  command -v apt-get >/dev/null || die "no apt-get here: install $* by hand"
  # The lock in a subshell, released on return: a daemon the caller starts next (ensure-docker.sh's dockerd) would
  # otherwise inherit its descriptor and hold it for as long as it runs.
  ( lock host-apt
    { retry 3 10 timeout "${DP_APT_TIMEOUT:-1200}" apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive timeout "${DP_APT_TIMEOUT:-1200}" apt-get install -y -q "$@"; } \
      >"$log_file" 2>&1 || die_log "cannot install $*" "$log_file" ) || exit "$DP_DIE_STATUS"
}

# Every deb URI of this machine's apt sources (DP_APT_DIR, /etc/apt), in apt's order: sources.list, then
# sources.list.d's *.list (one-line form) and *.sources (deb822; a stanza with "Enabled: no" is skipped), by name.
# No trailing slash.
apt_source_uris() {
  local f
  for f in "$DP_APT_DIR/sources.list" "$DP_APT_DIR"/sources.list.d/*; do
    [ -f "$f" ] || continue
    case "$f" in
      *.list) # deb [ options ] URI SUITE COMPONENT…
        awk '$1 == "deb" { i = 2
            if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            print $i }' "$f" ;;
      *.sources)
        awk 'BEGIN {RS = ""; FS = "\n"}
          { types = ""; uris = ""; on = 1
            for (i = 1; i <= NF; i++) {
              if ($i ~ /^Types:/) types = " " substr($i, 7) " "
              if ($i ~ /^URIs:/) uris = substr($i, 6)
              if ($i ~ /^Enabled:[ \t]*no/) on = 0
            }
            if (!on || types !~ /[ \t]deb[ \t]/) next
            n = split(uris, u, /[ \t]+/)
            for (j = 1; j <= n; j++) if (u[j] != "") print u[j] }' "$f" ;;
      *) ;; # apt reads no other file there
    esac
  done | sed 's:/*$::'
}
# The first http(s) URI ending in /debian (a mirror of Debian's archive), else deb.debian.org.
debian_mirror() {
  local m
  m=$(apt_source_uris | grep -E '^https?://.*/debian$' | head -n 1 || true)
  echo "${m:-$DP_DEBIAN_FALLBACK}"
}
# Debian's security archive: the sources' own (a URI ending in /debian-security), else beside MIRROR.
debian_security_mirror() { # MIRROR
  local m
  m=$(apt_source_uris | grep -E '^https?://.*/debian-security$' | head -n 1 || true)
  echo "${m:-${1%/debian}/debian-security}"
}

default_route_dev() { # [-6]
  ip "$@" route show default 2>/dev/null |
    awk '/default/ {for (i = 1; i < NF; i++) if ($i == "dev") {print $(i + 1); exit}}'
}

tap_counts() { # FILE: "PASS FAIL" from tap's last "# { total: N, pass: N, fail: N …" line; status 1 if none
  local s pass fail
  s=$(grep -E '^# \{ total: [0-9]+' "$1" | tail -n 1 || true)
  [ -n "$s" ] || return 1
  pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$s")
  fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$s")
  echo "${pass:-0} ${fail:-0}"
}
