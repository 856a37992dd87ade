#!/usr/bin/env bash
# The engine matrix: unit tests once, then the integration suite on each cell, one line per cell and the plain
# closing line over all of them. `npm test` runs this when CI=true (or DOCKPROBE_MATRIX=1); `npm run test:matrix`
# runs it any time. Cells (DOCKPROBE_MATRIX_CELLS narrows them):
#   host-v1    the host's engine with Compose v1 (docker-compose)
#   host-v2    the host's engine with Compose v2 (a private CLI plugin, scripts/engine.sh compose-v2)
#   journey    the user's journey (scripts/user-journey.sh): npm pack, install the tarball into a temporary prefix
#              with a temporary HOME, and with that install only infer, validate and test a stack outside the
#              repository. On the host engine with Compose v2, as a user runs it: its `npm install -g` needs the
#              registry, which an inner engine's namespace cannot reach, and the package is the same on every engine
#   trixie-v2  Debian trixie's engine (26.x) in a container, with Compose v2
#   sid-v2     Debian sid's engine (28.x) in a container, with Compose v2
#   bookworm-chaos  Debian bookworm's engine (20.10) in a container, with Compose v2: only the chaos files whose
#              findings depend on the engine (its firewall layout, its dockerd restart), in chaos_engine_files below
#   podman-v2  rootful Podman 5 (Debian trixie) in a container, its Docker-compatible API, with Compose v2: the files
#              in podman_files below, those proven the same there (the others differ on Podman for reasons the
#              docs' engines page names)
#   rootless-v2  rootless Docker (Debian trixie's 26.x through dockerd-rootless.sh as uid 1000: RootlessKit,
#              slirp4netns, the builtin port driver) in a container, with Compose v2 and live-restore: only
#              rootless.test.ts, which runs the reference topology and its twin there beside plain connections and
#              proves each refusal of docs/engines.md's rootless position (about 3 minutes)
#   cluster    a three-node swarm of trixie engines (scripts/swarm-cluster.sh, outer network at MTU 1400): the files
#              in test/cluster/, with DOCKER_HOST at its manager
# DOCKPROBE_MATRIX_FILES narrows the files each cell runs (default: every integration and fault file), and
# DOCKPROBE_MATRIX_UNIT=0 skips the unit tests: for trying one file on every engine while working on it.
# An inner engine's published ports and the egress canary live in the outer container's network namespace, so its
# cell runs inside that namespace (nsenter -n): `from: host` and egress are exercised on every engine. The outer
# container has no interface but lo, so nothing of an inner cell can leave the machine.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=lib/common.sh
. scripts/lib/common.sh
cells=${DOCKPROBE_MATRIX_CELLS:-host-v1 host-v2 journey trixie-v2 sid-v2 bookworm-chaos podman-v2 rootless-v2 cluster}
read -r -a files <<<"${DOCKPROBE_MATRIX_FILES:-$(echo test/integration/*.test.ts test/faults/*.test.ts)}"
# host-v1 and host-v2 are the same engine. host-v1 runs only the files where Compose v1 changes what dockprobe reads
# (container names and labels, port formats, `compose config` for inference, the demo's own `compose up`), so its
# share of the 30 minutes CI allows goes to what v1 changes. Every other file tests the engine and the probe, with
# Compose only bringing its fixture up (the swarm file not even that), and runs in host-v2 and the newer engines.
v1_relevant=(test/integration/reference.test.ts test/integration/infer-rules-drill.test.ts test/integration/baseline.test.ts test/integration/demo.test.ts test/integration/ports.test.ts)
v1_files=()
for f in "${files[@]}"; do
  for c in "${v1_relevant[@]}"; do [ "${f}" = "${c}" ] && v1_files+=("${f}"); done
done
# Podman: every file whose verdicts are proven the same there. Not here: swarm.test.ts and traefik-config.test.ts
# (Podman has no swarm, and the latter reads Traefik's static configuration on a one-node swarm). zone-lookups.test.ts
# runs here: aardvark-dns forwards a name it does not know to the host's resolvers, and the file checks that each
# verdict saying so (name-left-host) agrees with what its fake resolver was asked. watch.test.ts runs
# here (about 40 s): warm probes over Podman's attach and its events are Podman's own; its firewall-reload and
# dockerd-restart tests skip themselves. perspectives.test.ts (about 80 s): Podman publishes the port of a container
# only on internal networks, and the file proves the finding with a plain connection. infer-rules-drill.test.ts
# (about 105 s): inference from the file and from what runs, and drills, with that same finding. ipv6.test.ts (about
# 55 s): netavark isolates IPv6 as IPv4, which Docker before 27 does not.
# Baselines and the demo passed there too (2026-12-07) and are left to the other cells, for CI's time: they add
# nothing of Podman's over the reference topology.
podman_relevant=(test/faults/engine-dies.test.ts test/faults/reference-faults.test.ts test/faults/targets-die.test.ts test/integration/control-peer.test.ts test/integration/default-bridge.test.ts test/integration/infer-rules-drill.test.ts test/integration/ipv6.test.ts test/integration/ports.test.ts test/integration/reference.test.ts test/integration/perspectives.test.ts test/integration/traefik.test.ts test/integration/udp.test.ts test/integration/watch.test.ts test/integration/zone-lookups.test.ts)
podman_files=()
for f in "${files[@]}"; do
  for c in "${podman_relevant[@]}"; do [ "${f}" = "${c}" ] && podman_files+=("${f}"); done
done
# What proves dockprobe's packaging more than an engine runs in fewer cells: the action's entry script in host-v2
# only, the dockprobe image in host-v2 and sid-v2 (the oldest and the newest Docker engine).
# remote-engine.test.ts brings up an engine of its own (trixie, instance `remote`, TLS and ssh) and reaches it
# from a network namespace of its own, whatever the cell's engine: host-v2 only (about a minute), from the host's
# namespace, where it was proven.
# Chaos drills change what runs (and, on an inner engine, its firewall and its dockerd): trixie-v2, and on Engine
# 20.10 (bookworm-chaos) the two whose findings depend on the engine; on Engine 28 (sid-v2) the firewall one, whose
# rule set differs most there (a raw rule per container address, which a restore must leave alone); the host engine
# is never touched.
chaos_files=(test/integration/chaos.test.ts test/integration/chaos-firewall.test.ts test/integration/chaos-engine.test.ts)
chaos_engine_files=()
for f in "${files[@]}"; do
  for c in "${chaos_files[@]:1}"; do [ "${f}" = "${c}" ] && chaos_engine_files+=("${f}"); done
done
# Rootless Docker: rootless.test.ts alone (it skips itself on every other engine, and the other files assume a
# rootful engine's host: its firewall, the LAN).
rootless_files=()
for f in "${files[@]}"; do [ "${f}" = test/integration/rootless.test.ts ] && rootless_files+=("${f}"); done
# shellcheck disable=SC2034  # all three are read through files_without's nameref
not_in_host=("${chaos_files[@]}")
# shellcheck disable=SC2034
not_in_sid=(test/integration/github-action.test.ts test/integration/remote-engine.test.ts test/integration/chaos.test.ts
  test/integration/chaos-engine.test.ts)
# shellcheck disable=SC2034
not_in_trixie=(test/integration/github-action.test.ts test/integration/image.test.ts test/integration/remote-engine.test.ts)
# The chosen files minus those named (by nameref: the list of files to leave out).
files_without() {
  local -n leave=$1
  local f c keep
  for f in "${files[@]}"; do
    keep=1
    for c in "${leave[@]}"; do [ "${f}" = "${c}" ] && keep=0; done
    [ "${keep}" = 1 ] && printf '%s\n' "${f}"
  done
}
total_pass=0
total_fail=0
lines=()
# Every failing assertion's line (nested under its subtest and file, as tap indents them), printed again at the end:
# CI keeps only the tail of the output, and this is what says which test failed.
failures=()

# Runs tap with the given env (KEY=VALUE… then the tap args); sets pass/fail/secs from tap's summary line.
run_tap() {
  local label=$1 log start rc
  shift
  log=$(mktemp)
  start=$(date +%s)
  "$@" >"${log}" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  read -r pass fail < <(tap_counts "${log}" || echo 0 0)
  # A run that failed without a failing assertion (a crash, a file timeout) still counts as one failure.
  if [ "${rc}" -ne 0 ] && [ "${fail}" -eq 0 ]; then fail=1; fi
  # The whole log goes to stdout for CI's record, each line marked with its cell.
  sed "s/^/[${label}] /" "${log}"
  mapfile -t -O "${#failures[@]}" failures < <(grep -E '^ *not ok ' "${log}" | cut -c1-220 | sed "s/^/[${label}] /")
  if [ "${rc}" -ne 0 ] && [ "${fail}" -eq 1 ] && ! grep -qE '^ *not ok ' "${log}"; then
    failures+=("[${label}] exit ${rc} without a failing assertion; the log's last line: $(tail -n 1 "${log}" | cut -c1-160)")
  fi
  rm -f "${log}"
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
}

record() {  # cell, engine, compose
  local line="matrix: $1 (engine $2, compose $3): ${pass} passed, ${fail} failed, ${secs} s"
  lines+=("${line}")
  echo "${line}"
}

# An inner engine belongs to the tests alone: what an interrupted earlier run left on it (a swarm, a stack, containers,
# networks, volumes) is named and removed before its cell runs, so one stopped run cannot fail the next. Images stay.
clear_inner_engine() {
  local left
  left=$(docker ps -aq | wc -l)
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ]; then
    echo "matrix: ${1}: leaving the swarm an earlier run left active" >&2
    docker swarm leave --force >/dev/null 2>&1 || true
  fi
  if [ "${left}" -gt 0 ]; then
    echo "matrix: ${1}: removing ${left} container(s) an earlier run left:" >&2
    docker ps -a --format '  {{.Names}} ({{.Image}}, {{.Status}})' >&2
    docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true
  fi
  docker network prune -f >/dev/null 2>&1 || true
  docker volume prune -f >/dev/null 2>&1 || true
}

# The inner engines' rootfs and images are built (engine.sh build, the minutes of debootstrap and apt on a fresh
# machine) in the background while the unit tests run, which touch no engine, at a lower priority so that the unit
# tests keep the cores they want. Before the first integration cell the matrix waits for the builds, so that no
# build's load falls on a cell; a cell's own `up` waits on its engine's lock too and only starts it. trixie first
# where a cell runs it: the rootless rootfs then starts as a copy of it (alone, rootless is as quick to debootstrap as
# trixie), and the cluster runs its image. What an interrupted matrix leaves building goes on to its end (each step is
# bounded) and leaves no half-built rootfs marked as built.
prebuild=()
for cell in ${cells}; do
  case "${cell}" in trixie-v2 | cluster) prebuild=(trixie) ;; *) ;; esac
done
for cell in ${cells}; do
  case "${cell}" in
    sid-v2 | podman-v2 | rootless-v2 | bookworm-chaos) suite=${cell%-v2}; prebuild+=("${suite%-chaos}") ;;
    *) ;;
  esac
done
mapfile -t prebuild < <(printf '%s\n' "${prebuild[@]}" | awk 'NF && !seen[$0]++')
prebuild_log=''
prebuild_began=$(date +%s)
prebuild_pid=''
if [ "${#prebuild[@]}" -gt 0 ]; then
  prebuild_log=$(mktemp)
  ( for s in "${prebuild[@]}"; do
      began=$(date +%s)
      if nice -n 10 bash scripts/engine.sh build "${s}"; then
        echo "matrix: engine ${s} built in $(($(date +%s) - began)) s"
      else
        echo "matrix: building engine ${s} failed after $(($(date +%s) - began)) s; its cell's up tries again"
      fi
    done ) >"${prebuild_log}" 2>&1 &
  prebuild_pid=$!
fi
# Waits for the background builds (once) and prints their log, marked [build].
prebuild_wait() {
  [ -n "${prebuild_pid}" ] || return 0
  local waited
  waited=$(date +%s)
  wait "${prebuild_pid}" || true
  prebuild_pid=''
  sed 's/^/[build] /' "${prebuild_log}"
  rm -f "${prebuild_log}"
  echo "matrix: engines ${prebuild[*]} built $(($(date +%s) - prebuild_began)) s after the unit tests began;" \
    "waited $(($(date +%s) - waited)) s for them after the unit tests"
}

if [ "${DOCKPROBE_MATRIX_UNIT:-1}" != 0 ]; then
  # Two at a time: unit tests touch no engine (.taprc's one-at-a-time is for the integration files), and CI has 2 cores.
  run_tap unit npx tap --jobs 2 --exclude 'test/integration/**' --exclude 'test/faults/**' --exclude 'test/cluster/**'
  record unit - -
fi
prebuild_wait

for cell in ${cells}; do
  case "${cell}" in
    host-v1)
      engine=$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unreachable)
      compose=$(docker-compose version --short 2>/dev/null || echo missing)
      if [ "${#v1_files[@]}" -eq 0 ]; then
        # Without files tap would run every test it finds: none of the chosen files is one Compose v1 changes.
        pass=0 fail=0 secs=0
        record "${cell}" "${engine}" "${compose} (none of the chosen files is one Compose v1 changes)"
        continue
      fi
      run_tap "${cell}" env DOCKPROBE_COMPOSE=docker-compose npx tap "${v1_files[@]}"
      ;;
    host-v2 | journey)
      engine=$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unreachable)
      if ! config=$(bash scripts/engine.sh compose-v2); then
        pass=0 fail=1 secs=0 compose=unavailable
        record "${cell}" "${engine}" "${compose}"
        continue
      fi
      compose=$(DOCKER_CONFIG=${config} docker compose version --short 2>/dev/null || echo missing)
      if [ "${cell}" = host-v2 ]; then
        mapfile -t host_files < <(files_without not_in_host)
        run_tap "${cell}" env DOCKER_CONFIG="${config}" DOCKPROBE_COMPOSE='docker compose' npx tap "${host_files[@]}"
      else
        began=$(date +%s)
        # One pass or one failure: the journey stops at its first step that does not do what a user expects.
        if DOCKER_CONFIG=${config} DOCKPROBE_COMPOSE='docker compose' bash scripts/user-journey.sh 2>&1 |
          sed "s/^/[${cell}] /"; then
          pass=1 fail=0
        else
          pass=0 fail=1
          failures+=("[${cell}] scripts/user-journey.sh stopped at a step: its lines above, marked [${cell}], name it")
        fi
        secs=$(($(date +%s) - began))
        total_pass=$((total_pass + pass))
        total_fail=$((total_fail + fail))
      fi
      ;;
    trixie-v2 | sid-v2 | podman-v2 | rootless-v2 | bookworm-chaos)
      suite=${cell%-v2}
      suite=${suite%-chaos}
      case "${suite}" in
        bookworm) cell_files=("${chaos_engine_files[@]}") ;;
        trixie) mapfile -t cell_files < <(files_without not_in_trixie) ;;
        sid) mapfile -t cell_files < <(files_without not_in_sid) ;;
        podman) cell_files=("${podman_files[@]}") ;;
        rootless) cell_files=("${rootless_files[@]}") ;;
        *) cell_files=("${files[@]}") ;;
      esac
      if [ "${#cell_files[@]}" -eq 0 ]; then
        pass=0 fail=0 secs=0
        record "${cell}" "-" "- (none of the chosen files runs on this engine)"
        continue
      fi
      # live-restore on the rootless engine: rootless.test.ts shows what a dockerd restart does to its containers.
      live_restore=0
      [ "${suite}" = rootless ] && live_restore=1
      if ! DOCKPROBE_ENGINE_LIVE_RESTORE=${live_restore} bash scripts/engine.sh up "${suite}" >&2 ||
        ! envs=$(bash scripts/engine.sh env "${suite}"); then
        pass=0 fail=1 secs=0
        record "${cell}" "${suite} did not start" -
        bash scripts/engine.sh down "${suite}" >&2 || true
        continue
      fi
      eval "${envs}"
      # shellcheck disable=SC2154  # DOCKPROBE_ENGINE_VERSION and _PID come from the eval
      engine=${DOCKPROBE_ENGINE_VERSION}
      compose=$(docker compose version --short 2>/dev/null || echo missing)
      clear_inner_engine "${suite}"
      # shellcheck disable=SC2154
      run_tap "${cell}" nsenter -t "${DOCKPROBE_ENGINE_PID}" -n -- env DOCKPROBE_COMPOSE='docker compose' npx tap "${cell_files[@]}"
      unset DOCKER_HOST DOCKER_CONFIG DOCKPROBE_ENGINE_PID DOCKPROBE_ENGINE_VERSION DOCKPROBE_ENGINE_SUITE \
        DOCKPROBE_ENGINE_KIND DOCKPROBE_ENGINE_COMPOSE_VERSION
      bash scripts/engine.sh down "${suite}" >&2 || echo "matrix: ${suite} engine did not stop cleanly" >&2
      ;;
    cluster)
      # The outer network's MTU is chosen when it is created: 1400, so the tests can open an MTU black hole (the
      # nodes' own interfaces raised above it) and close it again.
      if ! DOCKPROBE_CLUSTER_OUTER_MTU=1400 bash scripts/swarm-cluster.sh up 3 >&2 || ! envs=$(bash scripts/swarm-cluster.sh env a); then
        pass=0 fail=1 secs=0
        record "${cell}" "the cluster did not start" -
        bash scripts/swarm-cluster.sh down >&2 || true
        continue
      fi
      eval "${envs}"
      engine="${DOCKPROBE_ENGINE_VERSION} x3"
      compose='- (swarm stacks)'
      run_tap "${cell}" env DOCKPROBE_CLUSTER=1 npx tap test/cluster/*.test.ts
      unset DOCKER_HOST DOCKER_CONFIG DOCKPROBE_ENGINE_PID DOCKPROBE_ENGINE_VERSION DOCKPROBE_CLUSTER_NODE DOCKPROBE_CLUSTER_NODE_IP
      bash scripts/swarm-cluster.sh down >&2 || echo "matrix: the cluster did not stop cleanly" >&2
      ;;
    *)
      echo "matrix: unknown cell '${cell}' (host-v1, host-v2, journey, trixie-v2, sid-v2, bookworm-chaos, podman-v2, rootless-v2, cluster)" >&2
      exit 2
      ;;
  esac
  record "${cell}" "${engine}" "${compose}"
done

echo
if [ "${#failures[@]}" -gt 0 ]; then
  echo "failing assertions (${#failures[@]} line(s), the first 80):"
  printf '%s\n' "${failures[@]:0:80}"
  echo
fi
printf '%s\n' "${lines[@]}"
echo "${total_pass} passed, ${total_fail} failed"
[ "${total_fail}" -eq 0 ]
