#!/usr/bin/env bash
# Runs a newer Docker engine (Debian trixie's docker.io 26.x or sid's 28.x) as a container on the host's engine, with
# no registry, plus a private Compose v2 CLI plugin. As root on Debian/Ubuntu with Debian's package mirror reachable.
#
#   engine.sh up SUITE       build what is missing, start the engine, wait until it answers; stdout: one line
#   engine.sh down SUITE     stop the inner engine (SIGTERM to the outer init) and remove the outer container
#   engine.sh env SUITE      shell exports for that engine:  eval "$(scripts/engine.sh env trixie)"
#   engine.sh compose-v2     fetch Compose v2 for the HOST engine; stdout: a DOCKER_CONFIG dir
#   engine.sh status [SUITE]
# SUITE: trixie | sid. Everything is idempotent; progress and errors go to stderr.
#
# How: debootstrap --variant=minbase SUITE into a cached rootfs, apt-get install docker.io in a chroot (a policy-rc.d
# starts nothing), `docker import` it on the host engine (re-imported only when its content revision changes), and run
# it with --network none: the inner engine reaches nothing but its own containers, and its iptables chains live in its
# own network namespace. Ports it publishes are on the outer container's loopback: reach them with
# `nsenter -t "$DOCKPROBE_ENGINE_PID" -n ...`. The socket and the inner data-root are in a bind-mounted dir.
# Not --privileged: that fails where root lacks CAP_SYS_RESOURCE; all other caps are given and /sys and the cgroup
# mounts are remounted rw inside. Compose v2 is Debian trixie's docker-compose package (a static binary), fetched with a
# private apt state: the host's apt sources and packages are not touched.
#
# Settings (environment):
#   DOCKPROBE_ENGINES_DIR           caches and state (outside the repo)      /var/cache/dockprobe-engines
#   DOCKPROBE_ENGINE_WAIT           seconds `up` waits for the engine        120
#   DOCKPROBE_ENGINE_STOP_WAIT      seconds `down` waits after SIGTERM        60
#   DOCKPROBE_ENGINE_FETCH_TIMEOUT  bound on each debootstrap/apt run (s)    1200
#   DOCKPROBE_DEBIAN_MIRROR         Debian mirror                            http://deb.debian.org/debian
#   DOCKPROBE_OUTER_DOCKER_HOST     the host engine                          unix:///var/run/docker.sock
#   DOCKPROBE_ENGINE_INSTANCE       a name that sets this engine apart from   (none)
#                                   the usual one: its container, image tag,
#                                   state dir and socket get -NAME
# A rootfs is never upgraded by itself: remove $DOCKPROBE_ENGINES_DIR/SUITE/rootfs (after `down`) to rebuild it.
set -euo pipefail

BASE=${DOCKPROBE_ENGINES_DIR:-/var/cache/dockprobe-engines}
WAIT=${DOCKPROBE_ENGINE_WAIT:-120}
STOP_WAIT=${DOCKPROBE_ENGINE_STOP_WAIT:-60}
FETCH_TIMEOUT=${DOCKPROBE_ENGINE_FETCH_TIMEOUT:-1200}
MIRROR=${DOCKPROBE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
OUTER=${DOCKPROBE_OUTER_DOCKER_HOST:-unix:///var/run/docker.sock}
COMPOSE_DIR=$BASE/compose-v2          # a DOCKER_CONFIG dir: cli-plugins/docker-compose
COMPOSE_SUITE=trixie                  # its docker-compose package is Compose v2
INSTANCE=${DOCKPROBE_ENGINE_INSTANCE:-}
SUITE='' S='' R='' E='' SOCK='' NAME='' IMAGE=''

log() { echo "engine.sh: $*" >&2; }
die() { log "$*"; exit 1; }
die_log() { log "$1; last lines of $2:"; tail -n 25 "$2" >&2 || true; exit 1; }
usage() { echo "usage: $0 up|down|env SUITE | compose-v2 | status [SUITE]   (SUITE: trixie or sid)" >&2; exit 2; }
# The host engine, whatever DOCKER_HOST the caller has (it may point at an inner engine).
odocker() { DOCKER_HOST=$OUTER DOCKER_CONTEXT='' docker "$@"; }
idocker() { DOCKER_HOST=unix://$SOCK DOCKER_CONTEXT='' DOCKER_CONFIG=$S/config docker "$@"; }

set_suite() {
  case "${1:-}" in trixie | sid) SUITE=$1 ;; *) usage ;; esac
  [[ "$INSTANCE" =~ ^([a-z0-9][a-z0-9_.-]{0,31})?$ ]] ||
    die "DOCKPROBE_ENGINE_INSTANCE must be up to 32 of a-z 0-9 _ . - (starting with a letter or digit), got '$INSTANCE'"
  local id=$SUITE${INSTANCE:+-$INSTANCE}
  S=$BASE/$id R=$S/rootfs E=$S/engine SOCK=$S/engine/docker.sock
  NAME=dockprobe-engine-$id IMAGE=dockprobe-engine:$id
  [ "${#SOCK}" -lt 108 ] || die "socket path $SOCK is ${#SOCK} bytes (limit 107): use a shorter DOCKPROBE_ENGINES_DIR"
}

# Serialises runs on one suite (fd 9), the Compose download (fd 8) or the host apt-get (fd 7); bounded.
lock() {
  mkdir -p "$BASE"
  eval "exec $1>\"\$BASE/.lock-$2\""
  flock -w "$FETCH_TIMEOUT" "$1" || die "another engine.sh still holds $BASE/.lock-$2"
}

umount_under() {  # every mount at or below $1, deepest first
  awk -v p="$1" '$2 == p || index($2, p "/") == 1 {print $2}' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return
  lock 7 host-apt
  command -v debootstrap >/dev/null && return
  log "installing debootstrap on the host (log $BASE/host-apt.log)"
  { timeout "$FETCH_TIMEOUT" apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive timeout "$FETCH_TIMEOUT" apt-get install -y -q debootstrap; } \
    >"$BASE/host-apt.log" 2>&1 || die_log "cannot install debootstrap" "$BASE/host-apt.log"
}

build_rootfs() {
  mkdir -p "$S"
  if [ ! -e "$S/.bootstrapped" ]; then
    ensure_debootstrap
    umount_under "$R"; rm -rf --one-file-system "$R"; rm -f "$S/.installed"
    log "debootstrap --variant=minbase $SUITE (log $S/build.log)"
    timeout "$FETCH_TIMEOUT" debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR" >"$S/build.log" 2>&1 ||
      { umount_under "$R"; die_log "debootstrap $SUITE failed" "$S/build.log"; }
    touch "$S/.bootstrapped"
  fi
  [ -e "$S/.installed" ] && return
  log "apt-get install docker.io in the $SUITE chroot (log $S/build.log)"
  { echo "deb $MIRROR $SUITE main"
    if [ "$SUITE" != sid ]; then  # sid has no -updates/-security suites
      echo "deb $MIRROR $SUITE-updates main"
      echo "deb ${MIRROR%/debian}/debian-security $SUITE-security main"
    fi; } >"$R/etc/apt/sources.list"
  # sid's Release file is often past its Valid-Until.
  if [ "$SUITE" = sid ]; then echo 'Acquire::Check-Valid-Until "false";' >"$R/etc/apt/apt.conf.d/99dockprobe"; fi
  printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
  chmod 755 "$R/usr/sbin/policy-rc.d"
  mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
  trap 'umount_under "$R/proc"' EXIT
  # tini is the outer init (and docker.io 28 wants it); buildx only where the suite has it. The chroot expands $pkgs.
  # shellcheck disable=SC2016
  timeout "$FETCH_TIMEOUT" chroot "$R" /bin/sh -ec 'export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    pkgs="docker.io tini iptables"
    if apt-cache show docker-buildx >/dev/null 2>&1; then pkgs="$pkgs docker-buildx"; fi
    apt-get install -y -q --no-install-recommends $pkgs
    apt-get clean' >>"$S/build.log" 2>&1 || die_log "apt-get install in the $SUITE chroot failed" "$S/build.log"
  umount_under "$R/proc"; trap - EXIT
  touch "$S/.installed"
}

# The outer container's command (under tini -g, which passes SIGTERM on to dockerd).
write_init() {
  cat >"$R/usr/local/sbin/dockprobe-engine-init" <<'EOF'
#!/bin/sh
# Written by dockprobe's scripts/engine.sh.
set -eu
E=$DOCKPROBE_ENGINE_DIR
# Without --privileged, /sys and the cgroup v1 mounts are read-only: remount each rw (the v1 mounts one by one).
mount -o remount,rw /sys || echo "warn: /sys stays read-only" >&2
for m in $(awk '$3 == "cgroup" {print $2}' /proc/self/mounts); do
  mount -o remount,bind,rw "$m" || echo "warn: $m stays read-only" >&2
done
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then  # cgroup v2 host: nest as moby's dind does (unused on v1 hosts)
  mount -o remount,rw /sys/fs/cgroup || true
  mkdir -p /sys/fs/cgroup/init
  xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || true
  sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers >/sys/fs/cgroup/cgroup.subtree_control || true
fi
mount --make-rshared /
# Nothing listens on 127.0.0.1:53, so lookups of outside names fail at once instead of timing out (swarm, pulls).
# This is the container's own copy of resolv.conf.
echo 'nameserver 127.0.0.1' >/etc/resolv.conf || echo "warn: cannot write /etc/resolv.conf" >&2
# For any interface besides lo (none with --network none): inner containers start nothing through it.
iptables -N DOCKER-USER 2>/dev/null || true
for p in /sys/class/net/*; do
  d=${p##*/}
  [ "$d" = lo ] && continue
  iptables -C DOCKER-USER -o "$d" -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP 2>/dev/null ||
    iptables -I DOCKER-USER -o "$d" -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP
done
mkdir -p "$E/data"
rm -f "$E/docker.sock"
exec dockerd --host "unix://$E/docker.sock" --data-root "$E/data" --exec-root /run/dpe --pidfile /run/dpe.pid
EOF
  chmod 755 "$R/usr/local/sbin/dockprobe-engine-init"
}

ensure_image() {
  local cmd='["/usr/bin/tini","-g","--","/usr/local/sbin/dockprobe-engine-init"]' rev have old
  rev=$({ echo "$cmd"; cat "$R/usr/local/sbin/dockprobe-engine-init"
          dpkg-query --admindir="$R/var/lib/dpkg" -W; } | sha256sum | cut -c1-16)
  have=$(odocker image inspect -f '{{index .Config.Labels "dockprobe.engine.rev"}}' "$IMAGE" 2>/dev/null || true)
  [ "$have" = "$rev" ] && return
  old=$(odocker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  log "docker import $R as $IMAGE (revision $rev)"
  tar -C "$R" --numeric-owner --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/pts/*' \
      --exclude='./var/lib/apt/lists/*' -c . |
    odocker import -c "CMD $cmd" -c "LABEL dockprobe.engine=$SUITE dockprobe.engine.rev=$rev" - "$IMAGE" >/dev/null
  if [ -n "$old" ]; then odocker rmi "$old" >/dev/null 2>&1 || true; fi
}

compose_ok() { DOCKER_CONFIG=$1 docker compose version 2>/dev/null | grep -Eq 'version v?2\.'; }

ensure_compose() {
  local p=$COMPOSE_DIR/cli-plugins/docker-compose a=$BASE/compose-apt
  [ -x "$p" ] && compose_ok "$COMPOSE_DIR" && return
  lock 8 compose
  [ -x "$p" ] && compose_ok "$COMPOSE_DIR" && return
  log "fetching Compose v2 (Debian $COMPOSE_SUITE docker-compose; log $a/log)"
  rm -rf "$a"; mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/deb" "$COMPOSE_DIR/cli-plugins"
  echo "deb $MIRROR $COMPOSE_SUITE main" >"$a/sources.list"
  : >"$a/status"
  # Private sources, lists, cache and (empty) dpkg status: the host's apt state is only read for its apt.conf.
  local o=(-o "Dir::Etc::sourcelist=$a/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$a/lists"
           -o "Dir::Cache=$a/cache" -o "Dir::State::status=$a/status" -o APT::Sandbox::User=root)
  { timeout "$FETCH_TIMEOUT" apt-get "${o[@]}" update -q &&
    (cd "$a/deb" && timeout "$FETCH_TIMEOUT" apt-get "${o[@]}" download docker-compose) &&
    dpkg -x "$a"/deb/docker-compose_*.deb "$a/x"; } >"$a/log" 2>&1 || die_log "cannot fetch docker-compose" "$a/log"
  install -m 755 "$a/x/usr/libexec/docker/cli-plugins/docker-compose" "$p.new" && mv -f "$p.new" "$p"
  rm -rf "$a/x" "$a/deb" "$a/lists" "$a/cache"
  compose_ok "$COMPOSE_DIR" || die "$p does not report Compose v2: $(DOCKER_CONFIG=$COMPOSE_DIR docker compose version 2>&1)"
}

# The client config for an inner engine: Compose v2, and buildx from the suite (the host CLI has none; without it,
# use DOCKER_BUILDKIT=0 for the legacy builder).
write_config() {
  local b=$R/usr/libexec/docker/cli-plugins/docker-buildx
  mkdir -p "$S/config/cli-plugins"
  ln -sfn "$COMPOSE_DIR/cli-plugins/docker-compose" "$S/config/cli-plugins/docker-compose"
  if [ -x "$b" ]; then ln -sfn "$b" "$S/config/cli-plugins/docker-buildx"; fi
}

# Our outer container: only one with this name AND our labels is ever touched.
our_cid() {
  odocker ps -aq --no-trunc --filter "name=^/$NAME\$" --filter "label=dockprobe.engine=$SUITE" \
    --filter "label=dockprobe.engine.dir=$S"
}
running() { [ "$(odocker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
answers() { timeout 10 env DOCKER_HOST="unix://$SOCK" DOCKER_CONTEXT='' docker version >/dev/null 2>&1; }

stop_rm() {  # $1: our container id. Returns 1 if it had to be killed.
  local pid rc=0 deadline=$((SECONDS + STOP_WAIT))
  pid=$(odocker inspect -f '{{.State.Pid}}' "$1")
  if [ "$pid" -gt 0 ]; then
    log "stopping engine $SUITE: SIGTERM to pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    while running "$1" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    if running "$1"; then
      log "engine $SUITE still running after ${STOP_WAIT}s; killing it. Last lines of its log:"
      odocker logs --tail 25 "$1" 2>&1 | sed 's/^/  /' >&2 || true
      rc=1
    fi
  fi
  odocker rm -f "$1" >/dev/null
  return "$rc"
}

up() {
  set_suite "$1"; lock 9 "${S##*/}"
  build_rootfs; write_init; ensure_image; ensure_compose; write_config
  local cid img deadline
  cid=$(our_cid)
  if [ -z "$cid" ] && odocker container inspect "$NAME" >/dev/null 2>&1; then
    die "a container named $NAME exists that engine.sh did not start here; not touching it"
  fi
  img=$(odocker image inspect -f '{{.Id}}' "$IMAGE")
  if [ -n "$cid" ] && [ "$(odocker inspect -f '{{.State.Running}} {{.Image}}' "$cid")" = "true $img" ]; then
    log "engine $SUITE already running"
  else
    if [ -n "$cid" ]; then stop_rm "$cid" || true; fi
    mkdir -p "$E"
    log "starting engine $SUITE"
    cid=$(odocker run -d --name "$NAME" --hostname "$NAME" --restart no --network none \
      --label "dockprobe.engine=$SUITE" --label "dockprobe.engine.dir=$S" \
      --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
      --security-opt systempaths=unconfined --cgroupns private \
      -e DOCKPROBE_ENGINE_DIR="$E" -e DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 -v "$E:$E" "$IMAGE")
  fi
  deadline=$((SECONDS + WAIT))
  until answers; do
    if ! running "$cid" || [ "$SECONDS" -ge "$deadline" ]; then
      log "engine $SUITE did not answer at unix://$SOCK within ${WAIT}s; last lines of its log:"
      odocker logs --tail 25 "$cid" 2>&1 | sed 's/^/  /' >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  idocker version --format "engine $SUITE: server {{.Server.Version}} (API {{.Server.APIVersion}}) at unix://$SOCK"
}

down() {
  set_suite "$1"; lock 9 "${S##*/}"
  local cid; cid=$(our_cid)
  if [ -z "$cid" ]; then log "engine $SUITE is not running"; return 0; fi
  stop_rm "$cid"
}

print_env() {
  set_suite "$1"
  local cid ver
  cid=$(our_cid)
  { [ -n "$cid" ] && running "$cid" && ver=$(idocker version --format '{{.Server.Version}}' 2>/dev/null); } ||
    die "engine $SUITE is not up: run $0 up $SUITE"
  printf 'export DOCKER_HOST=%q\n' "unix://$SOCK"
  printf 'export DOCKER_CONFIG=%q\n' "$S/config"
  printf 'export DOCKPROBE_ENGINE_PID=%q\n' "$(odocker inspect -f '{{.State.Pid}}' "$cid")"
  printf 'export DOCKPROBE_ENGINE_VERSION=%q\n' "$ver"
}

status() {
  local s cid
  for s in ${1:-trixie sid}; do
    set_suite "$s"
    cid=$(our_cid)
    if [ -n "$cid" ]; then
      odocker inspect -f "engine $s: container {{slice .Id 0 12}} running={{.State.Running}} pid={{.State.Pid}}" "$cid"
      idocker version --format '  server {{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null ||
        echo "  not answering at unix://$SOCK"
    else
      echo "engine $s: down"
    fi
    echo "  rootfs: $([ -e "$S/.installed" ] && du -sh "$R" | cut -f1 || echo none)," \
      "image: $(odocker image inspect -f '{{index .Config.Labels "dockprobe.engine.rev"}}' "$IMAGE" 2>/dev/null || echo none)"
  done
  if [ -x "$COMPOSE_DIR/cli-plugins/docker-compose" ]; then echo "compose v2: DOCKER_CONFIG=$COMPOSE_DIR"; fi
}

[ "$(id -u)" = 0 ] || die "run as root"
case "${1:-}" in
  up) [ $# = 2 ] || usage; up "$2" ;;
  down) [ $# = 2 ] || usage; down "$2" ;;
  env) [ $# = 2 ] || usage; print_env "$2" ;;
  compose-v2) [ $# = 1 ] || usage; ensure_compose; echo "$COMPOSE_DIR" ;;
  status) [ $# -le 2 ] || usage; status "${2:-}" ;;
  *) usage ;;
esac
