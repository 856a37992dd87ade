#!/usr/bin/env bash
# npm run test:soak -- N: the integration and fault suites N times in a row on the engine at hand, one line per run
# (passed, failed, seconds, and anything labelled dockprobe.run left on the engine afterwards). With
# DOCKPROBE_MATRIX=1, each run is the whole engine matrix (scripts/test-matrix.sh) instead. A flake found this way is
# a bug to fix, never a retry to add. Builds once first; needs the same set-up as `npm test` (an engine, root for the
# egress canary).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=lib/common.sh
. scripts/lib/common.sh
runs=${1:-10}
if ! [[ "${runs}" =~ ^[0-9]+$ ]] || [ "${runs}" -lt 1 ]; then
  echo "usage: npm run test:soak -- N (N >= 1), got '${runs}'" >&2
  exit 2
fi
npm run --silent build >/dev/null || { echo "soak: build failed" >&2; exit 2; }
matrix=${DOCKPROBE_MATRIX:-}
if [ "${matrix}" = 1 ]; then where="the engine matrix"; else where="engine $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)"; fi
green=0
for i in $(seq 1 "${runs}"); do
  log=$(mktemp)
  start=$(date +%s)
  if [ "${matrix}" = 1 ]; then
    bash scripts/test-matrix.sh >"${log}" 2>&1
    rc=$?
    closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "${log}" | tail -n 1)
    pass=$(sed -nE 's/^([0-9]+) passed.*/\1/p' <<<"${closing}")
    fail=$(sed -nE 's/.* ([0-9]+) failed$/\1/p' <<<"${closing}")
  else
    npx tap test/integration/*.test.ts test/faults/*.test.ts >"${log}" 2>&1
    rc=$?
    read -r pass fail < <(tap_counts "${log}" || echo 0 0)
  fi
  secs=$(( $(date +%s) - start ))
  left=$(( $(docker ps -aq --filter label=dockprobe.run | wc -l) + $(docker network ls -q --filter label=dockprobe.run | wc -l) ))
  echo "soak run ${i}/${runs} on ${where}: ${pass:-0} passed, ${fail:-0} failed, ${secs} s, exit ${rc}, ${left} labelled resources left"
  if [ "${rc}" -eq 0 ] && [ "${left}" -eq 0 ]; then
    green=$((green + 1))
    rm -f "${log}"
  else
    echo "  log kept: ${log}"
  fi
done
echo "soak: ${green} of ${runs} runs green"
[ "${green}" -eq "${runs}" ]
