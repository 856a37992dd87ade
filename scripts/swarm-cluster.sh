#!/usr/bin/env bash
# A Docker Swarm of N nodes on this one machine, for tests of per-node probes and of MTU black holes. Each node is one
# container of scripts/engine.sh's image dockprobe-engine:trixie (Debian trixie's docker.io 26.1.5) with its own state
# dir and socket; all of them sit on one outer `--internal` network of the host's engine, so they reach each other and
# nothing else. As root.
#
#   swarm-cluster.sh up [N]               N nodes (default 3, at most 26): dpsw-a is the manager, the others join as
#                                         workers; waits until all are Ready. stdout: one line per node,
#                                         `name socket-path outer-ip`. Idempotent: running nodes are kept, missing ones
#                                         started and joined, nodes past N removed.
#   swarm-cluster.sh down                 stop and remove every node, the outer network and the state dirs (only what
#                                         carries this cluster's label). The image is kept.
#   swarm-cluster.sh env NODE             shell exports for one node (a, b, … or dpsw-a, …):
#                                         eval "$(scripts/swarm-cluster.sh env a)"
#   swarm-cluster.sh status
#   swarm-cluster.sh load IMAGE…          copy images from the host's engine into every node (save | load)
#   swarm-cluster.sh mtu-blackhole on|off raise each node's outer interface above the outer network's MTU, or put it
#                                         back (needs an outer network below 1500: DOCKPROBE_CLUSTER_OUTER_MTU=1400 at up)
#   swarm-cluster.sh check IMAGE          cross-node check on a fresh overlay (see check() below); IMAGE is busybox-like
#                                         (sh, httpd, wget, nslookup, timeout), loaded into the nodes when missing
#
# No registry: the inner engines run with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 and engine.sh's init writes
# `nameserver 127.0.0.1` into each node's resolv.conf, so a lookup of an outside name fails at once. Create services
# with --no-resolve-image (`docker stack deploy --resolve-image never`): without both, each start waits 20–40 s on
# lookups. No IPVS in this kernel: service VIPs time out; use endpoint mode dnsrr or tasks.<service>. Images reach the
# nodes only through `load`.
#
# Settings (environment):
#   DOCKPROBE_ENGINES_DIR           engine.sh's caches; the cluster's state is below it   /var/cache/dockprobe-engines
#   DOCKPROBE_CLUSTER_DIR           the nodes' state dirs and sockets                      $DOCKPROBE_ENGINES_DIR/cluster
#   DOCKPROBE_CLUSTER_OUTER_MTU     MTU of the outer network, chosen when `up` creates it  the network's, else 1500
#   DOCKPROBE_CLUSTER_BLACKHOLE_MTU a node's outer interface while the black hole is on    1500
#   DOCKPROBE_CLUSTER_CHECK_MTU     `check`'s overlay option com.docker.network.driver.mtu  unset: the engine's default
#   DOCKPROBE_CLUSTER_WAIT          seconds for a node to answer, for all to be Ready      120
#   DOCKPROBE_CLUSTER_STOP_WAIT     seconds `down` waits for a node after SIGTERM          60
#   DOCKPROBE_CLUSTER_LOAD_TIMEOUT  bound on saving or loading images (s)                  600
#   DOCKPROBE_OUTER_DOCKER_HOST     the host engine                                        unix:///var/run/docker.sock
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

BASE=${DOCKPROBE_ENGINES_DIR:-/var/cache/dockprobe-engines}
CL=${DOCKPROBE_CLUSTER_DIR:-$BASE/cluster}
WANT_MTU=${DOCKPROBE_CLUSTER_OUTER_MTU:-}
HOLE_MTU=${DOCKPROBE_CLUSTER_BLACKHOLE_MTU:-1500}
CHECK_MTU=${DOCKPROBE_CLUSTER_CHECK_MTU:-}
WAIT=${DOCKPROBE_CLUSTER_WAIT:-120}
STOP_WAIT=${DOCKPROBE_CLUSTER_STOP_WAIT:-60}
LOAD_TIMEOUT=${DOCKPROBE_CLUSTER_LOAD_TIMEOUT:-600}
IMAGE=dockprobe-engine:trixie   # engine.sh builds it; its init takes the state dir from DOCKPROBE_ENGINE_DIR
NET=dpsw-outer
LABEL=dockprobe.cluster         # value: $CL, on every node container and on the outer network
LETTERS=abcdefghijklmnopqrstuvwxyz
CALL_TIMEOUT=60                 # bound on one docker call to a node

usage() {
  echo "usage: $0 up [N] | down | env NODE | status | load IMAGE... | mtu-blackhole on|off | check IMAGE" >&2
  exit 2
}
# One node's engine; every call is bounded, so a hung node fails the verb instead of stalling it.
ndocker() {
  local n=$1
  shift
  T=${T:-$CALL_TIMEOUT} inner_docker "$CL/$n/docker.sock" "$@"
}
node_name() { echo "dpsw-${LETTERS:$1:1}"; }

# Our node containers (names), found by the label only.
our_nodes() { host_docker ps -a --filter "label=$LABEL=$CL" --format '{{.Names}}' | sort; }
node_cid() { host_docker ps -aq --no-trunc --filter "name=^/$1\$" --filter "label=$LABEL=$CL"; }
running() { engine_container_running "$1"; }
node_pid() { engine_container_pid "$1"; }
node_ip() { host_docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$1"; }
answers() { T=10 ndocker "$1" version >/dev/null 2>&1; }
swarm_state() { T=10 ndocker "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unreachable; }
running_nodes() {
  local n
  for n in $(our_nodes); do if running "$n"; then echo "$n"; fi; done
}
# The node's interface on the outer network (eth0 today; found by its address, not by name).
outer_if() {
  local ip; ip=$(node_ip "$1")
  nsenter -t "$(node_pid "$1")" -n ip -o -4 addr show |
    awk -v a="$ip/" 'index($4, a) == 1 {sub(/@.*/, "", $2); print $2; exit}'
}
# Not /sys/class/net under nsenter -n: that is the host's sysfs, and shows the host's eth0.
if_mtu() {
  nsenter -t "$(node_pid "$1")" -n ip -o link show dev "$(outer_if "$1")" |
    awk '{for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1)}'
}

net_ours() {
  host_docker network inspect "$NET" >/dev/null 2>&1 || return 1
  [ "$(host_docker network inspect -f "{{index .Labels \"$LABEL\"}}" "$NET")" = "$CL" ] ||
    die "a network named $NET exists that this script did not create for $CL; not touching it"
}
net_mtu() {
  local m; m=$(host_docker network inspect -f '{{index .Options "com.docker.network.driver.mtu"}}' "$NET")
  echo "${m:-1500}"
}

# engine.sh owns the image and its revision (`engine.sh up trixie` re-imports it when its init or packages change);
# here it is only built when missing, and an engine that was not running before is stopped again.
ensure_image() {
  host_docker image inspect "$IMAGE" >/dev/null 2>&1 && return
  local was
  was=$(host_docker ps -q --filter name=^/dockprobe-engine-trixie\$ --filter label=dockprobe.engine=trixie)
  log "no image $IMAGE: building it with engine.sh up trixie"
  # The usual trixie engine's image, whatever instance the caller's environment names.
  DOCKPROBE_ENGINE_INSTANCE='' bash "$HERE/engine.sh" up trixie >&2 ||
    die "engine.sh up trixie failed: no image $IMAGE for the nodes"
  if [ -z "$was" ]; then DOCKPROBE_ENGINE_INSTANCE='' bash "$HERE/engine.sh" down trixie >&2 || die "engine.sh down trixie failed"; fi
  host_docker image inspect "$IMAGE" >/dev/null 2>&1 || die "engine.sh up trixie left no image $IMAGE"
}

# A bridge's MTU is fixed when the network is created, so the outer MTU is chosen at `up`; `mtu-blackhole` only moves
# the nodes' own interfaces.
ensure_net() {
  local have
  if net_ours; then
    have=$(net_mtu)
    [ -z "$WANT_MTU" ] || [ "$have" = "$WANT_MTU" ] && return
    [ -z "$(host_docker network inspect -f '{{range .Containers}}x{{end}}' "$NET")" ] ||
      die "$NET has MTU $have and DOCKPROBE_CLUSTER_OUTER_MTU asks for $WANT_MTU, with nodes on it: run down first"
    host_docker network rm "$NET" >/dev/null
  fi
  rm -f "$CL/mtu-blackhole"
  host_docker network create --internal --label "$LABEL=$CL" -o "com.docker.network.driver.mtu=${WANT_MTU:-1500}" \
    "$NET" >/dev/null || die "cannot create the outer network $NET"
  log "outer network $NET: internal, MTU ${WANT_MTU:-1500}," \
    "$(host_docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$NET")"
}

stop_node() { # $1: name
  local cid
  cid=$(node_cid "$1")
  [ -n "$cid" ] || return 0
  engine_container_stop "$cid" "$STOP_WAIT" "node $1" || true
}

start_node() {  # $1: name. Keeps a node that runs the current image and answers.
  local n=$1 d=$CL/$1 cid
  cid=$(node_cid "$n")
  if [ -z "$cid" ] && host_docker container inspect "$n" >/dev/null 2>&1; then
    die "a container named $n exists that this script did not create; not touching it"
  fi
  if [ -n "$cid" ] && [ "$(host_docker inspect -f '{{.State.Running}} {{.Image}}' "$cid")" = "true $IMG_ID" ] &&
    answers "$n"; then
    return 0
  fi
  if [ -n "$cid" ]; then stop_node "$n"; fi
  # A restarted node joins again from scratch; the images it was given stay.
  rm -rf "$d/data/swarm"
  mkdir -p "$d"
  cid=$(host_docker run -d --name "$n" --hostname "$n" --network "$NET" "${DP_ENGINE_CONTAINER_OPTS[@]}" \
    --label "$LABEL=$CL" --label "$LABEL.node=$n" \
    -e DOCKPROBE_ENGINE_DIR="$d" -e DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 -v "$d:$d" "$IMAGE") ||
    die "cannot start node $n"
  engine_container_wait "$cid" "$d/docker.sock" "$WAIT" "node $n"
  log "node $n started ($(node_ip "$n"))"
}

form_swarm() {  # $1 manager, then the workers
  local m=$1 mip tok n fresh=0 ids id
  shift
  mip=$(node_ip "$m")
  if [ "$(swarm_state "$m")" != active ]; then
    ndocker "$m" swarm leave --force >/dev/null 2>&1 || true  # a pending or error state
    ndocker "$m" swarm init --advertise-addr "$mip" --listen-addr "$mip:2377" >/dev/null ||
      die "swarm init on $m ($mip) failed"
    log "swarm initialised on $m"
    fresh=1
  fi
  tok=$(ndocker "$m" swarm join-token -q worker) || die "no join token from $m"
  for n in "$@"; do
    # Workers of a swarm whose manager was made again belong to a swarm that is gone.
    if [ "$fresh" = 0 ] && [ "$(swarm_state "$n")" = active ]; then continue; fi
    ndocker "$n" swarm leave --force >/dev/null 2>&1 || true
    ndocker "$n" swarm join --token "$tok" --advertise-addr "$(node_ip "$n")" "$mip:2377" >/dev/null ||
      die "$n could not join the swarm at $mip:2377"
    log "$n joined as a worker"
  done
  # A node that joined again, or one past N, leaves an entry behind on the manager: every ID that is not a current
  # node's own goes.
  ids=$(for n in "$m" "$@"; do ndocker "$n" info --format '{{.Swarm.NodeID}}'; done) || die "a node did not answer"
  for id in $(ndocker "$m" node ls -q); do
    if ! grep -qx "$id" <<<"$ids"; then
      ndocker "$m" node rm --force "$id" >/dev/null || die "cannot remove the stale node entry $id on $m"
      log "removed the stale node entry $id"
    fi
  done
  wait_until "$WAIT" 0.2 all_ready "$m" "$@" || die "the nodes were not all Ready within ${WAIT}s: $READY"
}
all_ready() { # the manager, then the workers. READY: what the manager lists
  local n
  READY=$(ndocker "$1" node ls --format '{{.Hostname}} {{.Status}}' 2>/dev/null | sort | tr '\n' ' ' || true)
  [ "$READY" = "$(for n in "$@"; do printf '%s Ready ' "$n"; done)" ]
}

up() {
  local want=${1:-3} i n names=() pids=() rc=0
  if ! [[ "$want" =~ ^[1-9][0-9]*$ ]] || [ "$want" -gt 26 ]; then die "N must be 1..26, got '$want'"; fi
  [ "${#CL}" -le 88 ] || die "DOCKPROBE_CLUSTER_DIR $CL is too long: a node's socket path must stay below 108 bytes"
  [[ "$WANT_MTU" =~ ^([0-9]+)?$ ]] || die "DOCKPROBE_CLUSTER_OUTER_MTU must be a number, got '$WANT_MTU'"
  lock cluster "$LOAD_TIMEOUT"
  # Inner traffic cannot leave (internal outer network, no route out of a node); this guards the host anyway.
  bash "$HERE/egress-guard.sh"
  ensure_image
  IMG_ID=$(host_docker image inspect -f '{{.Id}}' "$IMAGE")
  mkdir -p "$CL"
  ensure_net
  for ((i = 0; i < want; i++)); do names+=("$(node_name "$i")"); done
  for n in $(our_nodes); do  # nodes past N
    if [[ " ${names[*]} " != *" $n "* ]]; then
      log "removing node $n (past N=$want)"
      stop_node "$n"
      umount_under "$CL/$n"; rm -rf --one-file-system "${CL:?}/$n"
    fi
  done
  for n in "${names[@]}"; do start_node "$n" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  [ "$rc" = 0 ] || die "a node did not start (see above)"
  form_swarm "${names[@]}"
  # A node (re)started while the black hole is on comes up at the outer MTU: it is put in the hole with the others.
  if [ -e "$CL/mtu-blackhole" ]; then blackhole on; fi
  for n in "${names[@]}"; do echo "$n $CL/$n/docker.sock $(node_ip "$n")"; done
}

down() {
  local n pids=() d
  lock cluster "$LOAD_TIMEOUT"
  # No `swarm leave` first: every node's swarm state is deleted with it, and leaving cost 2 s more (3 nodes: leave 2.0 s
  # then stop 2.6 s, against 2.9 s to stop them in the swarm; their tasks end with their node's dockerd either way).
  for n in $(our_nodes); do stop_node "$n" & pids+=($!); done
  for n in "${pids[@]}"; do wait "$n" || true; done
  if net_ours; then host_docker network rm "$NET" >/dev/null || die "cannot remove the outer network $NET"; fi
  if [ -n "$(our_nodes)" ]; then die "node containers are left: $(our_nodes | tr '\n' ' ')"; fi
  for d in "$CL"/dpsw-?; do
    [ -d "$d" ] || continue
    umount_under "$d"
    rm -rf --one-file-system "$d"
  done
  rm -f "$CL/mtu-blackhole"
  if [ -d "$CL" ] && ! rmdir "$CL" 2>/dev/null; then die "$CL still holds files this script did not make"; fi
  log "down: no node, no outer network, no state dir ($CL) left"
}

resolve_node() {  # a | dpsw-a -> dpsw-a, running
  local n=$1
  [[ "$n" =~ ^[a-z]$ ]] && n=dpsw-$n
  if [ -z "$(node_cid "$n")" ] || ! running "$n"; then die "node $n is not up: run $0 up"; fi
  echo "$n"
}

print_env() {
  local n ver
  n=$(resolve_node "$1")
  ver=$(ndocker "$n" version --format '{{.Server.Version}}') || die "node $n does not answer"
  printf 'export DOCKER_HOST=%q\n' "unix://$CL/$n/docker.sock"
  # engine.sh's client config for the trixie engine: buildx (the host CLI has none) and Compose v2.
  if [ -d "$BASE/trixie/config" ]; then printf 'export DOCKER_CONFIG=%q\n' "$BASE/trixie/config"; fi
  # As engine.sh's: `nsenter -t "$DOCKPROBE_ENGINE_PID" -n …` runs in the node's network namespace.
  printf 'export DOCKPROBE_ENGINE_PID=%q\n' "$(node_pid "$n")"
  printf 'export DOCKPROBE_ENGINE_VERSION=%q\n' "$ver"
  printf 'export DOCKPROBE_CLUSTER_NODE=%q\n' "$n"
  printf 'export DOCKPROBE_CLUSTER_NODE_IP=%q\n' "$(node_ip "$n")"
}

status() {
  local n
  if net_ours; then
    echo "outer network $NET: MTU $(net_mtu)," \
      "subnet $(host_docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$NET")," \
      "mtu-blackhole $([ -e "$CL/mtu-blackhole" ] && echo on || echo off)"
  else
    echo "outer network $NET: none"
  fi
  for n in $(our_nodes); do
    if running "$n"; then
      printf '%s: pid %s, %s, %s mtu %s, ' "$n" "$(node_pid "$n")" "$(node_ip "$n")" "$(outer_if "$n")" "$(if_mtu "$n")"
      T=10 ndocker "$n" info --format 'engine {{.ServerVersion}}, swarm {{.Swarm.LocalNodeState}}' 2>/dev/null ||
        echo "not answering at unix://$CL/$n/docker.sock"
    else
      echo "$n: stopped"
    fi
  done
  if answers dpsw-a 2>/dev/null && [ "$(swarm_state dpsw-a)" = active ]; then ndocker dpsw-a node ls; fi
}

load() {
  local nodes img imgs=("$@") ids=() id tmp n i pids=() rc=0 have
  nodes=$(running_nodes)
  [ -n "$nodes" ] || die "the cluster is not up: run $0 up"
  for img in "${imgs[@]}"; do
    id=$(host_docker image inspect -f '{{.Id}}' "$img") || die "no image $img on the host engine"
    ids+=("$id")
  done
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/dpsw-load.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  T=$LOAD_TIMEOUT host_docker save -o "$tmp/images.tar" "${imgs[@]}" ||
    die "docker save ${imgs[*]} failed (or took over ${LOAD_TIMEOUT}s)"
  for n in $nodes; do
    # save | load keeps an image's ID: a node that has every ID under its name already is left alone.
    have=1
    for i in "${!imgs[@]}"; do
      [ "$(T=10 ndocker "$n" image inspect -f '{{.Id}}' "${imgs[i]}" 2>/dev/null)" = "${ids[i]}" ] || have=0
    done
    [ "$have" = 1 ] && continue
    (T=$LOAD_TIMEOUT ndocker "$n" load -q -i "$tmp/images.tar" >/dev/null || die "docker load into $n failed") &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  rm -rf "$tmp"; trap - EXIT
  [ "$rc" = 0 ] || exit 1
  log "${imgs[*]} on every node: $(echo "$nodes" | tr '\n' ' ')"
}

# On a bridge at 1400 a node's own interface is at 1400 too, and then no size is a black hole: the node's VXLAN
# answers an inner 1450-byte packet with "fragmentation needed" and the sender lowers its path MTU (measured). With
# the node's interface at 1500 it sends 1500-byte frames that the bridge's 1400-byte ports drop without a word.
blackhole() {  # the caller holds the lock
  local on=$1 outer m n dev route
  [[ "$HOLE_MTU" =~ ^[0-9]+$ ]] || die "DOCKPROBE_CLUSTER_BLACKHOLE_MTU must be a number, got '$HOLE_MTU'"
  net_ours || die "the cluster is not up: run $0 up"
  outer=$(net_mtu)
  case "$on" in
    on)
      [ "$outer" -lt "$HOLE_MTU" ] ||
        die "the outer network's MTU is $outer, not below $HOLE_MTU: run down, then DOCKPROBE_CLUSTER_OUTER_MTU=1400 $0 up"
      m=$HOLE_MTU ;;
    off) m=$outer ;;
    *) usage ;;
  esac
  for n in $(running_nodes); do
    dev=$(outer_if "$n")
    [ -n "$dev" ] || die "no interface with $n's outer address in its namespace"
    nsenter -t "$(node_pid "$n")" -n ip link set dev "$dev" mtu "$m" || die "cannot set $n's $dev to MTU $m"
    # The nodes' own TCP (the swarm's gRPC and gossip) would fall into the hole too: a task on a worker then sits in
    # `preparing`, which is not the fault under test. Their route to each other advertises an MSS that fits the outer
    # network (advmss), so only the overlay's VXLAN frames, which TCP's MSS does not shape, are too large.
    route=$(nsenter -t "$(node_pid "$n")" -n ip -o -4 route show dev "$dev" scope link | awk 'NR == 1 {print $1}')
    [ -n "$route" ] || die "no link route on $n's $dev"
    if [ "$on" = on ]; then
      nsenter -t "$(node_pid "$n")" -n ip route change "$route" dev "$dev" proto kernel scope link \
        src "$(node_ip "$n")" advmss $((outer - 40)) || die "cannot set the advmss of $n's route $route"
    else
      nsenter -t "$(node_pid "$n")" -n ip route change "$route" dev "$dev" proto kernel scope link \
        src "$(node_ip "$n")" || die "cannot put back $n's route $route"
    fi
  done
  if [ "$on" = on ]; then touch "$CL/mtu-blackhole"; else rm -f "$CL/mtu-blackhole"; fi
  log "mtu-blackhole $on: every node's outer interface at MTU $m, the outer network at $outer"
}

# A dnsrr service with one task per node on an attachable overlay, serving 200 bytes and 100 KB; a global-job fetches
# both from every task address and prints one line per node; the lines are read on the manager (service logs). A
# node's own task is not across the overlay, so under the black hole each node fetches 1 big answer of N.
check() {
  local img=$1 m=dpsw-a want t0 out opt=() rc=0
  if [ "$(swarm_state "$m")" != active ]; then die "the cluster is not up: run $0 up"; fi
  load "$img"
  want=$(ndocker "$m" node ls --format '{{.Status}}' | grep -c '^Ready$')
  if [ -n "$CHECK_MTU" ]; then opt=(--opt "com.docker.network.driver.mtu=$CHECK_MTU"); fi
  check_clean "$m"
  trap 'check_clean dpsw-a' EXIT
  t0=$SECONDS
  ndocker "$m" network create -d overlay --attachable "${opt[@]}" dpsw-chk >/dev/null ||
    die "cannot create the overlay dpsw-chk"
  ndocker "$m" service create --detach --quiet --no-resolve-image --name dpsw-chk-web --replicas "$want" \
    --replicas-max-per-node 1 --endpoint-mode dnsrr --network dpsw-chk --stop-grace-period 1s "$img" sh -c \
    'mkdir -p /www && head -c 200 /dev/zero >/www/small && head -c 102400 /dev/zero >/www/big &&
     exec httpd -f -p 8080 -h /www' >/dev/null || die "cannot create the service dpsw-chk-web"
  wait_until "$WAIT" 0.2 web_running "$m" "$want" || die "dpsw-chk-web did not run $want tasks within ${WAIT}s"
  # shellcheck disable=SC2016  # the job's own shell expands it
  # busybox 1.35's `wget -T` segfaults: each fetch is bounded by `timeout` instead.
  ndocker "$m" service create --detach --quiet --no-resolve-image --name dpsw-chk-job --mode global-job \
    --restart-condition none --network dpsw-chk --env 'NODE={{.Node.Hostname}}' "$img" sh -c '
      ips=$(nslookup tasks.dpsw-chk-web | awk "/^Name:/ {a = 1} a && /^Address/ {print \$2}" | sort)
      s=0 b=0 n=0 got=""
      for ip in $ips; do
        n=$((n + 1))
        timeout 5 wget -q -O /small "http://$ip:8080/small" && [ "$(wc -c </small)" = 200 ] && s=$((s + 1))
        t=$(date +%s); timeout 10 wget -q -O /big "http://$ip:8080/big"
        c=$(wc -c </big 2>/dev/null || echo 0); [ "$c" = 102400 ] && b=$((b + 1))
        got="$got $ip:${c}B/$(($(date +%s) - t))s"; rm -f /big
      done
      echo "CHECK $NODE small $s/$n big $b/$n:$got"' >/dev/null || die "cannot create the job dpsw-chk-job"
  wait_until $((WAIT + 15 * want)) 0.5 job_complete "$m" "$want" ||
    die "dpsw-chk-job did not complete on $want nodes within $((WAIT + 15 * want))s"
  out=$(ndocker "$m" service logs --raw dpsw-chk-job 2>&1 | grep '^CHECK' | sort || true)
  echo "$out"
  [ "$(grep -c " small $want/$want big $want/$want:" <<<"$out")" = "$want" ] || rc=1
  echo "check $([ "$rc" = 0 ] && echo OK || echo FAILED): $want nodes, overlay MTU option ${CHECK_MTU:-none}," \
    "$((SECONDS - t0)) s"
  return "$rc"
}
web_running() { [[ "$(ndocker "$1" service ls --filter name=dpsw-chk-web --format '{{.Replicas}}')" == "$2/$2"* ]]; }
job_complete() { [ "$(ndocker "$1" service ps --format '{{.CurrentState}}' dpsw-chk-job | grep -c '^Complete')" = "$2" ]; }

check_clean() {  # removes the check's services and overlay and waits until their task containers are gone
  local m=$1 out t0=$SECONDS
  ndocker "$m" service rm dpsw-chk-job dpsw-chk-web >/dev/null 2>&1 || true
  wait_until "$WAIT" 0.2 no_check_tasks || { log "check's task containers still there after ${WAIT}s"; return 1; }
  [ -z "${DPSW_DEBUG:-}" ] || log "check_clean: tasks gone at $((SECONDS - t0)) s"
  # After a successful `network rm` the manager still lists the overlay for a while, and a second rm says "not found".
  out=$(ndocker "$m" network rm dpsw-chk 2>&1) || [[ "$out" == *"not found"* ]] ||
    { log "cannot remove the overlay dpsw-chk: $out"; return 1; }
  wait_until $((WAIT + t0 - SECONDS)) 0.2 overlay_gone "$m" ||
    { log "the overlay dpsw-chk is still listed after ${WAIT}s"; return 1; }
  [ -z "${DPSW_DEBUG:-}" ] || log "check_clean: $((SECONDS - t0)) s"
}
overlay_gone() { ! ndocker "$1" network inspect dpsw-chk >/dev/null 2>&1; }
no_check_tasks() {
  local n
  # Not `… | grep -q`: under pipefail, grep's early exit fails the loop before it with SIGPIPE.
  [[ "$(for n in $(running_nodes); do
    ndocker "$n" ps -a --format ' {{.Label "com.docker.swarm.service.name"}}'; done)" != *" dpsw-chk-"* ]]
}

require_root
case "${1:-}" in
  up) [ $# -le 2 ] || usage; up "${2:-3}" ;;
  down) [ $# = 1 ] || usage; down ;;
  env) [ $# = 2 ] || usage; print_env "$2" ;;
  status) [ $# = 1 ] || usage; status ;;
  load) [ $# -ge 2 ] || usage; shift; lock cluster "$LOAD_TIMEOUT"; load "$@" ;;
  mtu-blackhole) [ $# = 2 ] || usage; lock cluster "$LOAD_TIMEOUT"; blackhole "$2" ;;
  check) [ $# = 2 ] || usage; lock cluster "$LOAD_TIMEOUT"; check "$2" ;;
  *) usage ;;
esac
