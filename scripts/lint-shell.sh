#!/usr/bin/env bash
# The shell half of `npm run lint`: shellcheck over every shell script of the repository (scripts/*.sh, the library
# they source, .ci/run, the GitHub Action's ci/github/*.sh), with the settings in .shellcheckrc. shellcheck is
# Debian's package (scripts/ensure-docker.sh installs it where it can).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "lint-shell: shellcheck is not installed: apt-get install shellcheck (or brew install shellcheck)," \
    "or run scripts/ensure-docker.sh as root" >&2
  exit 2
fi
exec shellcheck scripts/*.sh scripts/lib/*.sh .ci/run ci/github/*.sh
