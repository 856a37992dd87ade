#!/bin/sh
# The command of an engine's container (scripts/engine.sh copies this file into each engine's rootfs as
# /usr/local/sbin/dockprobe-engine-init; swarm-cluster.sh's nodes run the same image). Not sourced: POSIX sh, run by
# the rootfs's own /bin/sh under `tini -g`, which passes SIGTERM to this shell's whole process group, the engine
# daemon with it.
#
#   dockprobe-engine-init           set the container up, then supervise the engine's daemon: start it, and start it
#                                   again whenever it exits, until the container is told to stop (SIGTERM)
#   dockprobe-engine-init signal SIG    (by `docker exec`) send SIG to the daemon; the supervisor starts it again.
#                                   stdout: the daemon's pid
#   dockprobe-engine-init hold      (by `docker exec`) the daemon is not started again until `release`
#   dockprobe-engine-init release
#   dockprobe-engine-init reload    (by `docker exec`) SIGHUP to the daemon: dockerd reads its config file again
#
# Environment: DOCKPROBE_ENGINE_DIR (state dir, bind-mounted from the host: the socket, the data-root, and dockerd's
# config file daemon.json where engine.sh wrote one: live-restore), DOCKPROBE_ENGINE_KIND (docker, the default:
# dockerd; podman: `podman system service`, its Docker-compatible API), DOCKPROBE_ENGINE_DOCKERD_FLAGS (more dockerd
# flags, split on spaces), DOCKPROBE_ENGINE_ROOTLESS (1: dockerd-rootless.sh as uid 1000, not dockerd as root).
# The supervisor's state is in /run/dockprobe-engine: daemon.pid (while a daemon runs), hold, requested (an exit that
# was asked for, which does not count as a failure).
set -eu
C=/run/dockprobe-engine

case "${1:-}" in
  signal)
    touch "$C/requested"
    pid=$(cat "$C/daemon.pid")
    kill "-$2" "$pid"
    echo "$pid"
    exit 0
    ;;
  hold)
    touch "$C/hold"
    exit 0
    ;;
  release)
    rm -f "$C/hold"
    exit 0
    ;;
  reload)
    kill -HUP "$(cat "$C/daemon.pid")"
    exit 0
    ;;
  '') ;;
  *)
    echo "usage: $0 [signal SIG | hold | release | reload]" >&2
    exit 2
    ;;
esac

E=${DOCKPROBE_ENGINE_DIR:?the state dir, set by engine.sh}
# Without --privileged, /sys and the cgroup v1 mounts are read-only: remount each rw (the v1 mounts one by one).
mount -o remount,rw /sys || echo "warn: /sys stays read-only" >&2
awk '$3 == "cgroup" {print $2}' /proc/self/mounts | while read -r m; do
  mount -o remount,bind,rw "$m" || echo "warn: $m stays read-only" >&2
done
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # cgroup v2 host: nest as moby's dind does (unused on v1 hosts)
  mount -o remount,rw /sys/fs/cgroup || true
  mkdir -p /sys/fs/cgroup/init
  xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || true
  sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers >/sys/fs/cgroup/cgroup.subtree_control || true
fi
mount --make-rshared /
# Nothing listens on 127.0.0.1:53, so lookups of outside names fail at once instead of timing out (swarm, pulls).
# This is the container's own copy of resolv.conf.
echo 'nameserver 127.0.0.1' >/etc/resolv.conf || echo "warn: cannot write /etc/resolv.conf" >&2
mkdir -p "$C"
case "${DOCKPROBE_ENGINE_KIND:-docker}" in
  docker)
    # For any interface besides lo (none with --network none): inner containers start nothing through it.
    iptables -N DOCKER-USER 2>/dev/null || true
    for p in /sys/class/net/*; do
      d=${p##*/}
      [ "$d" = lo ] && continue
      iptables -C DOCKER-USER -o "$d" -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP 2>/dev/null ||
        iptables -I DOCKER-USER -o "$d" -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP
    done
    mkdir -p "$E/data"
    sock=$E/docker.sock
    set -- dockerd --host "unix://$sock" --data-root "$E/data" --exec-root /run/dpe --pidfile /run/dpe.pid
    if [ "${DOCKPROBE_ENGINE_ROOTLESS:-0}" = 1 ]; then
      # Rootless: dockerd-rootless.sh as uid 1000 (subordinate ids 100000-165535), its runtime dir (RootlessKit's
      # state, dockerd's pid file) and data-root in the state dir. Its iptables rules live in RootlessKit's network
      # namespace, not this one.
      id dockprobe >/dev/null 2>&1 || useradd -u 1000 -m -s /bin/sh dockprobe
      grep -q '^dockprobe:' /etc/subuid || echo 'dockprobe:100000:65536' >>/etc/subuid
      grep -q '^dockprobe:' /etc/subgid || echo 'dockprobe:100000:65536' >>/etc/subgid
      mkdir -p "$E/run"
      chown dockprobe:dockprobe "$E" "$E/run" "$E/data"
      chmod 700 "$E/run"
      # slirp4netns opens /dev/net/tun as that user: 0666 as udev makes it on a usual host (this container's node is
      # its own copy; some hosts make theirs 0600).
      [ -c /dev/net/tun ] && chmod 666 /dev/net/tun
      rootless=$(command -v dockerd-rootless.sh || find /usr -name dockerd-rootless.sh -type f | head -n 1)
      [ -n "$rootless" ] || { echo "dockprobe-engine-init: no dockerd-rootless.sh in this rootfs" >&2; exit 1; }
      set -- setpriv --reuid=1000 --regid=1000 --init-groups env HOME=/home/dockprobe XDG_RUNTIME_DIR="$E/run" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin sh "$rootless" --host "unix://$sock" \
        --data-root "$E/data"
    fi
    if [ -f "$E/daemon.json" ]; then set -- "$@" --config-file "$E/daemon.json"; fi
    # engine.sh's DOCKPROBE_ENGINE_DOCKERD_FLAGS, split on spaces (a TLS listener: --host tcp://… --tlsverify …).
    # shellcheck disable=SC2086
    if [ -n "${DOCKPROBE_ENGINE_DOCKERD_FLAGS:-}" ]; then set -- "$@" $DOCKPROBE_ENGINE_DOCKERD_FLAGS; fi
    ;;
  podman)
    # Podman's firewall is netavark's own nftables table, which has no DOCKER-USER: it runs only where nothing but lo
    # could carry its containers' traffic off (engine.sh's --network none).
    for p in /sys/class/net/*; do
      [ "${p##*/}" = lo ] && continue
      echo "dockprobe-engine-init: interface ${p##*/} besides lo: a Podman engine runs only with --network none" >&2
      exit 1
    done
    # Images and containers on the bind-mounted state dir: overlay on the container's own overlay root does not work.
    mkdir -p "$E/storage" /etc/containers
    printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "/run/containers/storage"\n' "$E/storage" \
      >/etc/containers/storage.conf
    # No systemd or journald in here: cgroups by cgroupfs, events (the Docker API's /events) in a file.
    printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' >/etc/containers/containers.conf
    echo 1 >/proc/sys/net/ipv4/ip_forward || echo "warn: cannot enable IPv4 forwarding" >&2
    sock=$E/podman.sock
    set -- podman system service --time=0 "unix://$sock"
    ;;
  *)
    echo "dockprobe-engine-init: DOCKPROBE_ENGINE_KIND must be docker or podman, got '$DOCKPROBE_ENGINE_KIND'" >&2
    exit 2
    ;;
esac

# SIGTERM reaches the daemon from tini too (same process group); this shell only notes that it is to end.
stopping=0 quick=0 rc=0
trap 'stopping=1' TERM INT
while [ "$stopping" = 0 ]; do
  if [ -e "$C/hold" ]; then
    sleep 0.2
    continue
  fi
  # What a daemon killed hard leaves: dockerd refuses to start beside a pid file whose pid is alive.
  rm -f "$sock" /run/dpe.pid "$C/requested"
  started=$(date +%s)
  "$@" &
  pid=$!
  echo "$pid" >"$C/daemon.pid"
  rc=0
  # A trapped signal ends `wait` early: wait again until the daemon itself has ended (and is reaped).
  while kill -0 "$pid" 2>/dev/null; do wait "$pid" && rc=0 || rc=$?; done
  rm -f "$C/daemon.pid"
  [ "$stopping" = 0 ] || break
  if [ -e "$C/requested" ]; then
    echo "dockprobe-engine-init: $1 ended (status $rc) as asked" >&2
    quick=0
  else
    # A daemon that cannot start ends the container (and `engine.sh up` shows its log) rather than a loop.
    if [ $(($(date +%s) - started)) -lt 10 ]; then quick=$((quick + 1)); else quick=0; fi
    if [ "$quick" -ge 5 ]; then
      echo "dockprobe-engine-init: $1 ended (status $rc) 5 times within 10 s of its start; giving up" >&2
      exit 1
    fi
    echo "dockprobe-engine-init: $1 ended (status $rc); starting it again in 1 s" >&2
    sleep 1
  fi
done
exit "$rc"
