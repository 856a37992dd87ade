#!/usr/bin/env bash
# Runs a Docker engine from Debian (bookworm's docker.io 20.10, trixie's 26.x or sid's 28.x), or rootful Podman 5 with
# its Docker-compatible API (trixie's), as a container on the host's engine, with no registry, plus a private Compose v2
# CLI plugin. As root on Debian/Ubuntu with Debian's package mirror reachable.
#
#   engine.sh up SUITE       build what is missing, start the engine, wait until it answers; stdout: one line
#   engine.sh build SUITE    what up builds (rootfs, image, Compose), without starting the engine: a cell's up then
#                            takes seconds (test-matrix.sh builds its engines beside the unit tests)
#   engine.sh down SUITE     stop the inner engine (SIGTERM to the outer init) and remove the outer container
#   engine.sh env SUITE      shell exports for that engine:  eval "$(scripts/engine.sh env trixie)"
#                            DOCKER_HOST, DOCKER_CONFIG (Compose v2, buildx where the suite has it),
#                            DOCKPROBE_ENGINE_PID (the container's init: nsenter -t … -n), DOCKPROBE_ENGINE_VERSION,
#                            DOCKPROBE_ENGINE_COMPOSE_VERSION, DOCKPROBE_ENGINE_KIND (docker | podman), and what names
#                            it for the other verbs: DOCKPROBE_ENGINE_SUITE, DOCKPROBE_ENGINE_INSTANCE,
#                            DOCKPROBE_ENGINES_DIR. (live-restore: `docker info`'s LiveRestoreEnabled)
#   engine.sh restart-dockerd SUITE [--kill]
#                            stop the inner dockerd (SIGTERM; SIGKILL with --kill) and wait until the supervisor in
#                            the container has started it again and it answers; stdout: one line with the time taken.
#                            On podman: its API service (`podman system service`), which its containers outlive
#   engine.sh stop-dockerd SUITE    stop the inner dockerd and keep it stopped (the container stays up)
#   engine.sh start-dockerd SUITE   start it again and wait until it answers
#   engine.sh live-restore SUITE on|off
#                            switch dockerd's live-restore in place (its config file, then SIGHUP: no restart)
#   engine.sh compose-v2 [trixie|sid]
#                            fetch Debian trixie's (2.26, the default) or sid's (2.40) Compose v2 for the HOST engine;
#                            stdout: a DOCKER_CONFIG dir
#   engine.sh status [SUITE]
#   engine.sh dir SUITE      stdout: the engine's state dir (its socket, data-root, daemon.json), bind-mounted into
#                            its container at the same path; it exists once this verb has run
# SUITE: trixie | sid | bookworm | podman | rootless (trixie's dockerd, rootless). Everything is idempotent; progress and errors go to stderr.
#
# How: debootstrap --variant=minbase SUITE (podman: trixie) into a cached rootfs (rootless: a copy of trixie's where
# that is built), apt-get install docker.io (podman: podman, netavark, aardvark-dns, nftables…) in a chroot (a
# policy-rc.d starts nothing), `docker import` it on the host engine (re-imported only when its content revision
# changes), and run it with --network none: the inner engine reaches
# nothing but its own containers, and its iptables chains live in its own network namespace. Ports it publishes are on
# the outer container's loopback: reach them with `nsenter -t "$DOCKPROBE_ENGINE_PID" -n ...`. The socket and the inner
# data-root are in a bind-mounted dir. Not --privileged: that fails where root lacks CAP_SYS_RESOURCE; all other caps
# are given and /sys and the cgroup mounts are remounted rw inside. The container's command (scripts/lib/engine-init.sh)
# supervises dockerd: it starts it again whenever it ends, so dockerd can be restarted in place; with live-restore on
# (DOCKPROBE_ENGINE_LIVE_RESTORE=1 at `up`, or the live-restore verb), containers keep running while it is down. Compose
# v2 is Debian trixie's docker-compose package (a static binary; sid's for the sid engine), fetched with a private apt
# state: the host's apt sources and packages are not touched.
#
# Settings (environment):
#   DOCKPROBE_ENGINES_DIR           caches and state (outside the repo)      /var/cache/dockprobe-engines
#   DOCKPROBE_ENGINE_WAIT           seconds `up` waits for the engine        120
#   DOCKPROBE_ENGINE_STOP_WAIT      seconds `down` waits after SIGTERM        60
#   DOCKPROBE_ENGINE_FETCH_TIMEOUT  bound on each debootstrap/apt run (s)    1200
#   DOCKPROBE_DEBIAN_MIRROR         Debian mirror                            the first .../debian URI of this
#                                                                            machine's apt sources, else
#                                                                            http://deb.debian.org/debian
#   DOCKPROBE_DEBIAN_SECURITY_MIRROR  its security archive                   the sources' .../debian-security
#                                                                            URI, else MIRROR's sibling
#   DOCKPROBE_OUTER_DOCKER_HOST     the host engine                          unix:///var/run/docker.sock
#   DOCKPROBE_ENGINE_INSTANCE       a name that sets this engine apart from   (none)
#                                   the usual one: its container, image tag,
#                                   state dir and socket get -NAME
#   DOCKPROBE_ENGINE_LIVE_RESTORE   1: dockerd's live-restore on (read by     0
#                                   `up`, which switches a running engine's
#                                   in place)
#   DOCKPROBE_ENGINE_COMPOSE        the Debian suite whose Compose v2 the     sid for sid, trixie for the others
#                                   engine's DOCKER_CONFIG gets: trixie, sid
#   DOCKPROBE_ENGINE_DOCKERD_FLAGS  more dockerd flags, read by `up` (docker  (none)
#                                   suites), split on spaces: e.g. a TLS
#                                   listener, '--host tcp://0.0.0.0:2376
#                                   --tlsverify --tlscacert DIR/ca.pem …'.
#                                   Files they name must be in the state dir
#                                   (`engine.sh dir SUITE`), which the
#                                   container sees at the same path. `up`
#                                   starts a running engine with other flags
#                                   again
# A rootfs is never upgraded by itself: remove $DOCKPROBE_ENGINES_DIR/SUITE/rootfs (after `down`) to rebuild it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

BASE=${DOCKPROBE_ENGINES_DIR:-/var/cache/dockprobe-engines}
WAIT=${DOCKPROBE_ENGINE_WAIT:-120}
STOP_WAIT=${DOCKPROBE_ENGINE_STOP_WAIT:-60}
FETCH_TIMEOUT=${DOCKPROBE_ENGINE_FETCH_TIMEOUT:-1200}
DP_LOCK_WAIT=$FETCH_TIMEOUT DP_APT_TIMEOUT=$FETCH_TIMEOUT
if [ -n "${DOCKPROBE_DEBIAN_MIRROR:-}" ]; then
  MIRROR=${DOCKPROBE_DEBIAN_MIRROR%/}
  SECURITY=${DOCKPROBE_DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}
else
  MIRROR=$(debian_mirror)
  SECURITY=${DOCKPROBE_DEBIAN_SECURITY_MIRROR:-$(debian_security_mirror "$MIRROR")}
fi
COMPOSE_CHOICE=${DOCKPROBE_ENGINE_COMPOSE:-}
INSTANCE=${DOCKPROBE_ENGINE_INSTANCE:-}
LIVE_RESTORE=${DOCKPROBE_ENGINE_LIVE_RESTORE:-0}
DOCKERD_FLAGS=${DOCKPROBE_ENGINE_DOCKERD_FLAGS:-}
INIT=/usr/local/sbin/dockprobe-engine-init
SUPERVISOR_DIR=/run/dockprobe-engine # the init's state, in the container (engine-init.sh's C)
SUITE='' ID='' S='' R='' E='' SOCK='' NAME='' IMAGE='' KIND='' DIST='' PKGS='' OPTIONAL='' DAEMON='' COMPOSE_SUITE='' SEED=''

usage() {
  echo "usage: $0 up|build|down|env|dir|restart-dockerd [--kill]|stop-dockerd|start-dockerd SUITE | live-restore SUITE on|off |" \
    "compose-v2 [trixie|sid] | status [SUITE]   (SUITE: trixie, sid, bookworm, podman or rootless)" >&2
  exit 2
}

set_suite() {
  SUITE=${1:-}
  case "$SUITE" in
    # tini is the outer init (and docker.io 28 wants it); buildx only where the suite has it.
    trixie | sid | bookworm)
      KIND=docker DIST=$SUITE PKGS='docker.io tini iptables' OPTIONAL=docker-buildx DAEMON=dockerd ;;
    # nftables: this netavark drives nftables, and fails every network connect without it ("unable to execute nft").
    # Rootless Docker: trixie's dockerd run by dockerd-rootless.sh as an unprivileged user (uid 1000) in RootlessKit's
    # user and network namespaces, egress through slirp4netns, published ports through RootlessKit's builtin port
    # driver (on the outer container's loopback, as on a host).
    # Its packages are trixie's engine's and a few more: its rootfs starts as a copy of trixie's where that is built.
    rootless)
      KIND=docker DIST=trixie DAEMON=dockerd-rootless.sh OPTIONAL='' SEED=trixie
      PKGS='docker.io tini iptables iproute2 rootlesskit slirp4netns uidmap passt' ;;
    podman)
      KIND=podman DIST=trixie DAEMON='podman system service' OPTIONAL=''
      PKGS='podman netavark aardvark-dns crun conmon iptables nftables tini catatonit' ;;
    *) usage ;;
  esac
  # Each engine's Compose v2: its own suite's docker-compose package where that is v2 (sid: 2.40), else trixie's (2.26).
  COMPOSE_SUITE=${COMPOSE_CHOICE:-$([ "$SUITE" = sid ] && echo sid || echo trixie)}
  [[ "$COMPOSE_SUITE" =~ ^(trixie|sid)$ ]] || die "DOCKPROBE_ENGINE_COMPOSE must be trixie or sid, got '$COMPOSE_SUITE'"
  [[ "$INSTANCE" =~ ^([a-z0-9][a-z0-9_.-]{0,31})?$ ]] ||
    die "DOCKPROBE_ENGINE_INSTANCE must be up to 32 of a-z 0-9 _ . - (starting with a letter or digit), got '$INSTANCE'"
  ID=$SUITE${INSTANCE:+-$INSTANCE}
  S=$BASE/$ID R=$S/rootfs E=$S/engine SOCK=$S/engine/$KIND.sock
  NAME=dockprobe-engine-$ID IMAGE=dockprobe-engine:$ID
  [ "${#SOCK}" -lt 108 ] || die "socket path $SOCK is ${#SOCK} bytes (limit 107): use a shorter DOCKPROBE_ENGINES_DIR"
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return
  log "installing debootstrap on the host (log $BASE/host-apt.log)"
  mkdir -p "$BASE"
  host_apt_install "$BASE/host-apt.log" debootstrap
}

# A copy of the SEED suite's finished rootfs (the usual instance's), taken under its lock so that no build of it runs
# meanwhile; it is only read. Status 1, and nothing copied, when that rootfs is not built.
copy_seed() {
  local from=$BASE/$SEED
  [ -n "$SEED" ] && [ -e "$from/.installed" ] || return 1
  log "copying $SEED's rootfs ($from/rootfs) as the base of $ID's, instead of debootstrap (log $S/build.log)"
  ( lock "$SEED"
    [ -e "$from/.installed" ] || exit 3
    echo "copy of $from/rootfs" >"$S/build.log"
    cp -a --one-file-system "$from/rootfs" "$R" 2>>"$S/build.log" ) && return 0
  [ $? = 3 ] && return 1
  umount_under "$R"; rm -rf --one-file-system "$R"
  die_log "copying $from/rootfs failed" "$S/build.log"
}

build_rootfs() {
  mkdir -p "$S"
  if [ ! -e "$S/.bootstrapped" ]; then
    umount_under "$R"; rm -rf --one-file-system "$R"; rm -f "$S/.installed"
    if ! copy_seed; then
      ensure_debootstrap
      log "debootstrap --variant=minbase $DIST (log $S/build.log)"
      timeout "$FETCH_TIMEOUT" debootstrap --variant=minbase "$DIST" "$R" "$MIRROR" >"$S/build.log" 2>&1 ||
        { umount_under "$R"; die_log "debootstrap $DIST failed" "$S/build.log"; }
    fi
    touch "$S/.bootstrapped"
  fi
  [ -e "$S/.installed" ] && return
  log "apt-get install $PKGS in the $DIST chroot (log $S/build.log)"
  { echo "deb $MIRROR $DIST main"
    if [ "$DIST" != sid ]; then  # sid has no -updates/-security suites
      echo "deb $MIRROR $DIST-updates main"
      echo "deb $SECURITY $DIST-security main"
    fi; } >"$R/etc/apt/sources.list"
  # sid's Release file is often past its Valid-Until.
  if [ "$DIST" = sid ]; then echo 'Acquire::Check-Valid-Until "false";' >"$R/etc/apt/apt.conf.d/99dockprobe"; fi
  printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
  chmod 755 "$R/usr/sbin/policy-rc.d"
  mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
  trap 'umount_under "$R/proc"' EXIT
  # The chroot's shell expands $pkgs: PKGS, and each of OPTIONAL that the suite has.
  # shellcheck disable=SC2016
  retry 2 10 timeout "$FETCH_TIMEOUT" chroot "$R" env PKGS="$PKGS" OPTIONAL="$OPTIONAL" /bin/sh -ec '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    pkgs=$PKGS
    for p in $OPTIONAL; do if apt-cache show "$p" >/dev/null 2>&1; then pkgs="$pkgs $p"; fi; done
    apt-get install -y -q --no-install-recommends $pkgs
    apt-get clean' >>"$S/build.log" 2>&1 || die_log "apt-get install in the $DIST chroot failed" "$S/build.log"
  umount_under "$R/proc"; trap - EXIT
  touch "$S/.installed"
}

# The outer container's command (under tini -g): sets the container up and supervises dockerd.
write_init() { install -m 755 "$HERE/lib/engine-init.sh" "$R$INIT"; }

# A new image when the rootfs changed; the one it replaces is left in STALE_IMAGE, for up to remove once its container
# is gone (an image in use is not removed).
STALE_IMAGE=''
ensure_image() {
  local cmd='["/usr/bin/tini","-g","--","'$INIT'"]' rev have
  rev=$({ echo "$cmd"; cat "$R$INIT"
          dpkg-query --admindir="$R/var/lib/dpkg" -W; } | sha256sum | cut -c1-16)
  have=$(host_docker image inspect -f '{{index .Config.Labels "dockprobe.engine.rev"}}' "$IMAGE" 2>/dev/null || true)
  [ "$have" = "$rev" ] && return
  STALE_IMAGE=$(host_docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  log "docker import $R as $IMAGE (revision $rev)"
  tar -C "$R" --numeric-owner --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/pts/*' \
      --exclude='./var/lib/apt/lists/*' -c . |
    host_docker import -c "CMD $cmd" -c "LABEL dockprobe.engine=$SUITE dockprobe.engine.rev=$rev" - "$IMAGE" >/dev/null
}

compose_ok() { DOCKER_CONFIG=$1 docker compose version 2>/dev/null | grep -Eq 'version v?2\.'; }

# A Debian suite's docker-compose package (Compose v2 from trixie on) as a DOCKER_CONFIG dir with
# cli-plugins/docker-compose: trixie's is compose-v2 (the host-v2 cell's), another suite's compose-v2-SUITE.
compose_dir() { if [ "$1" = trixie ]; then echo "$BASE/compose-v2"; else echo "$BASE/compose-v2-$1"; fi; }

ensure_compose() { # SUITE
  local cs=$1 dir p a tag
  dir=$(compose_dir "$cs")
  tag=${dir#"$BASE/compose-v2"}
  p=$dir/cli-plugins/docker-compose a=$BASE/compose-apt$tag
  [ -x "$p" ] && compose_ok "$dir" && return
  lock "compose$tag"
  [ -x "$p" ] && compose_ok "$dir" && return
  log "fetching Compose v2 (Debian $cs docker-compose; log $a/log)"
  rm -rf "$a"; mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/deb" "$dir/cli-plugins"
  echo "deb $MIRROR $cs main" >"$a/sources.list"
  : >"$a/status"
  # Private sources, lists, cache and (empty) dpkg status: the host's apt state is only read for its apt.conf.
  # sid's Release file is often past its Valid-Until.
  local o=(-o "Dir::Etc::sourcelist=$a/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$a/lists"
           -o "Dir::Cache=$a/cache" -o "Dir::State::status=$a/status" -o APT::Sandbox::User=root
           -o "Acquire::Check-Valid-Until=$([ "$cs" = sid ] && echo false || echo true)")
  { retry 3 10 timeout "$FETCH_TIMEOUT" apt-get "${o[@]}" update -q &&
    (cd "$a/deb" && timeout "$FETCH_TIMEOUT" apt-get "${o[@]}" download docker-compose) &&
    dpkg -x "$a"/deb/docker-compose_*.deb "$a/x"; } >"$a/log" 2>&1 || die_log "cannot fetch docker-compose" "$a/log"
  install -m 755 "$a/x/usr/libexec/docker/cli-plugins/docker-compose" "$p.new" && mv -f "$p.new" "$p"
  rm -rf "$a/x" "$a/deb" "$a/lists" "$a/cache"
  compose_ok "$dir" || die "$p does not report Compose v2: $(DOCKER_CONFIG=$dir docker compose version 2>&1)"
}

# The client config for an inner engine: Compose v2, and buildx from the suite (the host CLI has none; without it,
# use DOCKER_BUILDKIT=0 for the legacy builder).
write_config() {
  local b=$R/usr/libexec/docker/cli-plugins/docker-buildx
  mkdir -p "$S/config/cli-plugins"
  ln -sfn "$(compose_dir "$COMPOSE_SUITE")/cli-plugins/docker-compose" "$S/config/cli-plugins/docker-compose"
  if [ -x "$b" ]; then ln -sfn "$b" "$S/config/cli-plugins/docker-buildx"; fi
}

# Our outer container: only one with this name AND our labels is ever touched.
our_cid() {
  host_docker ps -aq --no-trunc --filter "name=^/$NAME\$" --filter "label=dockprobe.engine=$SUITE" \
    --filter "label=dockprobe.engine.dir=$S"
}

# Everything up needs before it starts the engine's container.
prepare() {
  build_rootfs
  write_init
  ensure_image
  ensure_compose "$COMPOSE_SUITE"
  write_config
}

# What up builds, without starting anything: the rootfs, the image, Compose. A replaced image is removed unless a
# container still uses it.
build() {
  set_suite "$1"
  lock "$ID"
  prepare
  if [ -n "$STALE_IMAGE" ]; then host_docker rmi "$STALE_IMAGE" >/dev/null 2>&1 || true; fi
  log "engine $ID built (rootfs $R, image $IMAGE)"
}

up() {
  set_suite "$1"
  [[ "$LIVE_RESTORE" =~ ^[01]$ ]] || die "DOCKPROBE_ENGINE_LIVE_RESTORE must be 0 or 1, got '$LIVE_RESTORE'"
  if [ "$KIND" = podman ] && [ "$LIVE_RESTORE" = 1 ]; then
    die "DOCKPROBE_ENGINE_LIVE_RESTORE=1 is a dockerd setting: Podman's containers never depend on its API service"
  fi
  if [ "$KIND" = podman ] && [ -n "$DOCKERD_FLAGS" ]; then
    die "DOCKPROBE_ENGINE_DOCKERD_FLAGS are dockerd's: the podman engine runs no dockerd"
  fi
  lock "$ID"
  prepare
  local cid img want
  cid=$(our_cid)
  if [ -z "$cid" ] && host_docker container inspect "$NAME" >/dev/null 2>&1; then
    die "a container named $NAME exists that engine.sh did not start here; not touching it"
  fi
  img=$(host_docker image inspect -f '{{.Id}}' "$IMAGE")
  mkdir -p "$E"
  if [ "$KIND" = docker ]; then
    refuse_swarm "$LIVE_RESTORE"
    write_daemon_json "$LIVE_RESTORE"
  fi
  # The same image and the same dockerd flags (a label of the container): the running engine is kept.
  if [ -n "$cid" ] && [ "$(host_docker inspect -f '{{.State.Running}} {{.Image}}' "$cid")" = "true $img" ] &&
    [ "$(host_docker inspect -f '{{index .Config.Labels "dockprobe.engine.dockerd-flags"}}' "$cid")" = "$DOCKERD_FLAGS" ]
  then
    log "engine $ID already running"
    if [ "$KIND" = docker ]; then apply_live_restore "$cid"; fi
  else
    if [ -n "$cid" ]; then engine_container_stop "$cid" "$STOP_WAIT" "engine $ID" || true; fi
    log "starting engine $ID"
    # netavark, unlike dockerd, does not enable IPv6 on the bridges it makes: the namespace's default must allow it,
    # or a dual-stack network's first container fails ("failed to add ipv6 address … Permission denied").
    local ipv6=()
    if [ "$KIND" = podman ]; then
      ipv6=(--sysctl net.ipv6.conf.all.disable_ipv6=0 --sysctl net.ipv6.conf.default.disable_ipv6=0)
    fi
    # slirp4netns (and pasta) make RootlessKit's tap device through /dev/net/tun.
    if [ "$SUITE" = rootless ]; then ipv6+=(--device /dev/net/tun); fi
    cid=$(host_docker run -d --name "$NAME" --hostname "$NAME" --network none "${DP_ENGINE_CONTAINER_OPTS[@]}" "${ipv6[@]}" \
      --label "dockprobe.engine=$SUITE" --label "dockprobe.engine.dir=$S" \
      --label "dockprobe.engine.dockerd-flags=$DOCKERD_FLAGS" -e DOCKPROBE_ENGINE_DOCKERD_FLAGS="$DOCKERD_FLAGS" \
      -e DOCKPROBE_ENGINE_KIND="$KIND" -e DOCKPROBE_ENGINE_ROOTLESS="$([ "$SUITE" = rootless ] && echo 1 || echo 0)" \
      -e DOCKPROBE_ENGINE_DIR="$E" -e DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
      -v "$E:$E" "$IMAGE")
  fi
  engine_container_wait "$cid" "$SOCK" "$WAIT" "engine $ID"
  if [ -n "$STALE_IMAGE" ]; then host_docker rmi "$STALE_IMAGE" >/dev/null 2>&1 || true; fi
  T=30 inner_docker "$SOCK" version \
    --format "engine $ID: server {{.Server.Version}} (API {{.Server.APIVersion}}) at unix://$SOCK"
}

down() {
  set_suite "$1"
  lock "$ID"
  local cid
  cid=$(our_cid)
  if [ -z "$cid" ]; then
    log "engine $ID is not running"
    return 0
  fi
  engine_container_stop "$cid" "$STOP_WAIT" "engine $ID"
}

# Our running container (CID) and its init's pid (OPID), or die; also if its init is not the supervisor (a container
# started by an engine.sh from before it: the same command would run its whole init again, a second dockerd).
CID='' OPID=''
supervised() {
  CID=$(our_cid)
  { [ -n "$CID" ] && engine_container_running "$CID"; } || die "engine $ID is not up: run $0 up $SUITE"
  OPID=$(engine_container_pid "$CID")
  [ -d "/proc/$OPID/root$SUPERVISOR_DIR" ] ||
    die "engine $ID runs without the supervisor that restarts dockerd: run $0 up $SUITE to start it again with one"
}
# The pid (in the container) of the daemon its supervisor runs; empty while none runs. Read through the container's
# root from the host, so waiting costs no engine call.
daemon_pid() { cat "/proc/$1/root$SUPERVISOR_DIR/daemon.pid" 2>/dev/null || true; }
new_daemon_answers() { # OUTER-PID OLD-DAEMON-PID
  local now
  now=$(daemon_pid "$1")
  [ -n "$now" ] && [ "$now" != "$2" ] && T=10 inner_docker "$SOCK" version >/dev/null 2>&1
}
no_daemon() { [ -z "$(daemon_pid "$1")" ]; }
live_restore_now() {
  T=10 inner_docker "$SOCK" info --format '{{if .LiveRestoreEnabled}}1{{else}}0{{end}}' 2>/dev/null
}
live_restore_is() { [ "$(live_restore_now)" = "$1" ]; }

# dockerd's config file, in the state dir: the init passes it with --config-file. live-restore is one of the settings
# dockerd reads again on SIGHUP.
write_daemon_json() { # LIVE-RESTORE (0|1)
  printf '{ "live-restore": %s }\n' "$([ "$1" = 1 ] && echo true || echo false)" >"$E/daemon.json"
}
# dockerd refuses live-restore with swarm mode at its start (a dockerd that cannot start again) and at `swarm init`,
# but takes it on a reload without a word: checked before the config file is written.
refuse_swarm() { # LIVE-RESTORE (0|1): only a running engine's answer counts
  if [ "$1" = 1 ] && [ "$(T=10 inner_docker "$SOCK" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ]
  then
    die "engine $ID is in swarm mode, which live-restore is incompatible with: docker swarm leave --force first"
  fi
}
apply_live_restore() { # CID of a running engine whose daemon.json is written
  local want
  want=$(grep -q '"live-restore": true' "$E/daemon.json" && echo 1 || echo 0)
  live_restore_is "$want" && return 0
  [ -d "/proc/$(engine_container_pid "$1")/root$SUPERVISOR_DIR" ] ||
    die "engine $ID runs without the supervisor, which reloads dockerd's config: run $0 down $SUITE, then up"
  in_engine "$1" reload
  wait_until 30 0.1 live_restore_is "$want" || die "engine $ID: dockerd did not take live-restore=$want on SIGHUP"
  log "engine $ID: live-restore $([ "$want" = 1 ] && echo on || echo off)"
}

live_restore() { # SUITE on|off
  set_suite "$1"
  [ "$KIND" = docker ] ||
    die "live-restore is a dockerd setting: Podman's containers never depend on its API service"
  lock "$ID"
  supervised
  local want
  want=$([ "$2" = on ] && echo 1 || echo 0)
  refuse_swarm "$want"
  write_daemon_json "$want"
  apply_live_restore "$CID"
}
in_engine() { T=30 host_docker exec "$1" "$INIT" "${@:2}"; }

restart_dockerd() { # SUITE [--kill]
  set_suite "$1"
  lock "$ID"
  local sig=TERM old t0=$SECONDS
  if [ "${2:-}" = --kill ]; then sig=KILL; fi
  supervised
  old=$(in_engine "$CID" signal "$sig") || die "engine $ID: no $DAEMON to signal (stopped with stop-dockerd?)"
  log "engine $ID: SIG$sig to $DAEMON (pid $old in the container)"
  wait_until "$WAIT" 0.1 new_daemon_answers "$OPID" "$old" || {
    engine_container_log_tail "$CID" 25
    die "engine $ID: $DAEMON did not answer again within ${WAIT}s"
  }
  echo "engine $ID: $DAEMON restarted (SIG$sig, pid $old -> $(daemon_pid "$OPID")), answering again after" \
    "$((SECONDS - t0)) s"
}

stop_dockerd() {
  set_suite "$1"
  lock "$ID"
  supervised
  in_engine "$CID" hold
  if [ -n "$(daemon_pid "$OPID")" ]; then in_engine "$CID" signal TERM >/dev/null; fi
  wait_until "$STOP_WAIT" 0.1 no_daemon "$OPID" ||
    die "engine $ID: $DAEMON still running ${STOP_WAIT}s after SIGTERM"
  log "engine $ID: $DAEMON stopped; start-dockerd $SUITE starts it again"
}

start_dockerd() {
  set_suite "$1"
  lock "$ID"
  supervised
  in_engine "$CID" release
  engine_container_wait "$CID" "$SOCK" "$WAIT" "engine $ID"
  log "engine $ID: $DAEMON answers"
}

print_env() {
  set_suite "$1"
  local cid ver
  cid=$(our_cid)
  { [ -n "$cid" ] && engine_container_running "$cid" &&
    ver=$(T=10 inner_docker "$SOCK" version --format '{{.Server.Version}}' 2>/dev/null); } ||
    die "engine $ID is not up: run $0 up $SUITE"
  printf 'export DOCKER_HOST=%q\n' "unix://$SOCK"
  printf 'export DOCKER_CONFIG=%q\n' "$S/config"
  printf 'export DOCKPROBE_ENGINE_PID=%q\n' "$(engine_container_pid "$cid")"
  printf 'export DOCKPROBE_ENGINE_VERSION=%q\n' "$ver"
  printf 'export DOCKPROBE_ENGINE_COMPOSE_VERSION=%q\n' \
    "$(DOCKER_CONFIG=$S/config docker compose version --short 2>/dev/null || echo missing)"
  # What names this engine for engine.sh's other verbs (restart-dockerd "$DOCKPROBE_ENGINE_SUITE"), and its kind.
  printf 'export DOCKPROBE_ENGINE_SUITE=%q\n' "$SUITE"
  printf 'export DOCKPROBE_ENGINE_KIND=%q\n' "$KIND"
  printf 'export DOCKPROBE_ENGINE_INSTANCE=%q\n' "$INSTANCE"
  printf 'export DOCKPROBE_ENGINES_DIR=%q\n' "$BASE"
}

status() {
  local s cid rev size d
  for s in ${1:-trixie sid bookworm podman rootless}; do
    set_suite "$s"
    cid=$(our_cid)
    if [ -n "$cid" ]; then
      T=30 host_docker inspect \
        -f "engine $ID: container {{slice .Id 0 12}} running={{.State.Running}} pid={{.State.Pid}}" "$cid"
      T=10 inner_docker "$SOCK" version --format '  server {{.Server.Version}} (API {{.Server.APIVersion}})' \
        2>/dev/null ||
        echo "  not answering at unix://$SOCK"
    else
      echo "engine $ID: down"
    fi
    rev=$(T=30 host_docker image inspect -f '{{index .Config.Labels "dockprobe.engine.rev"}}' "$IMAGE" 2>/dev/null) ||
      rev=none
    size=none
    if [ -e "$S/.installed" ]; then size=$(du -sh "$R" | cut -f1); fi
    echo "  rootfs: $size, image: $rev"
  done
  for s in trixie sid; do
    d=$(compose_dir "$s")
    if [ -x "$d/cli-plugins/docker-compose" ]; then
      echo "compose v2 from $s: $(DOCKER_CONFIG=$d docker compose version --short 2>/dev/null), DOCKER_CONFIG=$d"
    fi
  done
}

require_root
case "${1:-}" in
  up) [ $# = 2 ] || usage; up "$2" ;;
  build) [ $# = 2 ] || usage; build "$2" ;;
  down) [ $# = 2 ] || usage; down "$2" ;;
  env) [ $# = 2 ] || usage; print_env "$2" ;;
  restart-dockerd) [ $# = 2 ] || { [ $# = 3 ] && [ "$3" = --kill ]; } || usage; restart_dockerd "$2" "${3:-}" ;;
  stop-dockerd) [ $# = 2 ] || usage; stop_dockerd "$2" ;;
  start-dockerd) [ $# = 2 ] || usage; start_dockerd "$2" ;;
  live-restore) [[ $# = 3 && "$3" =~ ^(on|off)$ ]] || usage; live_restore "$2" "$3" ;;
  compose-v2)
    if ! { [ $# -le 2 ] && [[ "${2:-trixie}" =~ ^(trixie|sid)$ ]]; }; then usage; fi
    ensure_compose "${2:-trixie}"
    compose_dir "${2:-trixie}"
    ;;
  status) [ $# -le 2 ] || usage; status "${2:-}" ;;
  dir) [ $# = 2 ] || usage; set_suite "$2"; mkdir -p "$E"; echo "$E" ;;
  *) usage ;;
esac
