#!/usr/bin/env bash
# What each chaos fault does to the reference topology on one inner engine of scripts/engine.sh, as one Markdown table
# row per fault (the findings docs/chaos.md states per engine):
#
#   scripts/chaos-findings.sh SUITE        SUITE: bookworm | trixie | sid (a Docker engine: the faults need dockerd)
#
# As root, on a built tree (npm run build). It starts the engine if it is not up (engine.sh up: idempotent), brings up
# the reference topology with `dockprobe demo --keep` inside the engine's network namespace (no uplink: with Docker's
# rules gone and forwarding on, nothing can leave), and runs `dockprobe chaos` once per fault: reload-firewall,
# restart-engine (live-restore switched on for it and off after; restarted by engine.sh restart-dockerd),
# reconnect:api:internal-backend, restart:postgres, recreate:api. Each drill's JSON and TAP reports are kept in OUT
# ($DOCKPROBE_FINDINGS_DIR, a new temporary directory unless set). The topology is removed at the end (dockprobe
# cleanup --run); the engine is left as it was found, up. stdout: the table; stderr: progress.
#
# Columns: the fault; the engine's version and firewall backend (the iptables its dockerd uses, and the engine's own
# word where it gives one, Engine 28); whether public → data (public-facing → redis:6379, postgres:5432) opened and for
# how long; how long it was unknown; whether every cell came back by itself (the engine's own recovery) and when; the
# restore and whether every cell was back after it; the drill's outcome and exit status.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

SUITE=${1:-}
case "$SUITE" in
  bookworm | trixie | sid) ;;
  *) die "usage: chaos-findings.sh bookworm|trixie|sid" ;;
esac
require_root
BIN="$ROOT/dist/cli/bin.cjs"
[ -f "$BIN" ] || die "no $BIN: run npm run build first"
OUT=${DOCKPROBE_FINDINGS_DIR:-$(mktemp -d /tmp/dockprobe-chaos-findings.XXXXXX)}
mkdir -p "$OUT"

bash "$HERE/engine.sh" up "$SUITE" >&2
eval "$(bash "$HERE/engine.sh" env "$SUITE")"
# shellcheck disable=SC2154  # DOCKPROBE_ENGINE_PID and _VERSION come from the eval
ENGINE_PID=${DOCKPROBE_ENGINE_PID:?engine.sh env gave no pid} ENGINE_VERSION=${DOCKPROBE_ENGINE_VERSION:-?}
[ "${DOCKPROBE_ENGINE_KIND:-}" = docker ] || die "$SUITE is not a Docker engine"
inside() { nsenter -t "$ENGINE_PID" -n -- "$@"; }
dockprobe() { inside env DOCKPROBE_COMPOSE='docker compose' node "$BIN" "$@"; }

backend=$(nsenter -t "$ENGINE_PID" -m -- iptables --version 2>/dev/null |
  sed -n 's/.*(nf_tables).*/iptables-nft/p; s/.*(legacy).*/iptables-legacy/p')
[ -n "$backend" ] || backend=unknown

log "bringing up the reference topology on $SUITE (Engine $ENGINE_VERSION); reports in $OUT"
dockprobe demo --keep -f json >"$OUT/demo.json" 2>"$OUT/demo.log" || die_log "dockprobe demo failed" "$OUT/demo.log"
RUN=$(jq -r .runId "$OUT/demo.json")
PROJECT="dockprobe-demo-$RUN"
finish() {
  bash "$HERE/engine.sh" live-restore "$SUITE" off >&2 || log "could not switch live-restore off on $SUITE"
  # --alive: the demo that labelled them has ended, and its pid may be another process's by now.
  dockprobe cleanup --run "$RUN" --alive >&2 || log "cleanup --run $RUN failed: see dockprobe cleanup"
}
trap finish EXIT

echo "Engine $ENGINE_VERSION ($SUITE), $(date -u +%F):"
echo
echo "| fault | engine | firewall | public → data opened | unknown | back by itself | restore | outcome |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for fault in reload-firewall restart-engine reconnect:api:internal-backend restart:postgres recreate:api; do
  extra=()
  if [ "$fault" = restart-engine ]; then
    bash "$HERE/engine.sh" live-restore "$SUITE" on >&2
    extra=(--engine-restart-command "bash $HERE/engine.sh restart-dockerd $SUITE")
  fi
  name=${fault//:/-}
  log "--fault $fault"
  set +e
  dockprobe chaos "$ROOT/scenarios/reference.yml" --project "$PROJECT" --fault "$fault" "${extra[@]}" --yes \
    --baseline-rounds 2 --deadline 60s -f json --tap "$OUT/$name.tap" >"$OUT/$name.json" 2>"$OUT/$name.log"
  status=$?
  set -e
  [ "$fault" = restart-engine ] && bash "$HERE/engine.sh" live-restore "$SUITE" off >&2
  if ! jq -e .runId "$OUT/$name.json" >/dev/null 2>&1; then
    echo "| \`$fault\` | $ENGINE_VERSION | $backend | no report (exit $status): $(tail -n 1 "$OUT/$name.log" | tr '|' '/') | | | | |"
    continue
  fi
  jq -r --arg fault "$fault" --arg backend "$backend" --argjson status "$status" '
    def ms: if . == null then "never (within the deadline)" else "after \(.) ms" end;
    def data: [.cells[] | select((.source | test("public-facing")) and (.target == "redis:6379" or .target == "postgres:5432"))];
    (data | map(select(.openedMs > 0) | "\(.target) \(.openedMs) ms") | if length == 0 then "no" else "**yes**: " + join(", ") end) as $opened
    | ([.cells[].unknownMs] | max // 0) as $unknown
    | "| `\($fault)` | \(.engine.version) | \($backend)\(if .engine.firewallBackend then " (engine: \(.engine.firewallBackend))" else "" end) | \($opened) | \(if $unknown > 0 then "up to \($unknown) ms" else "none" end) | \(if .recoveredAfterMs != null then "yes, " + (.recoveredAfterMs | ms) else "no" end) | \(.fault.restore.status)\(if .summary.notBack == 0 then ", every cell back" else ", **\(.summary.notBack) not back**" end) | \(.outcome) (exit \($status)) |"
  ' "$OUT/$name.json"
done
