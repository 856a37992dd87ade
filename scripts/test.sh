#!/usr/bin/env bash
# What `npm test` runs after the build and the type-check: the whole engine matrix in CI (CI=true, or
# DOCKPROBE_MATRIX=1), and elsewhere the suite on the engine at hand, so a laptop runs `npm test` as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = true ] || [ "${DOCKPROBE_MATRIX:-}" = 1 ]; then
  exec bash scripts/test-matrix.sh
fi
exec npx tap
