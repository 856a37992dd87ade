#!/usr/bin/env bash
# The user's journey, as CI's proof that the package works outside this repository: npm pack, install the tarball
# into a temporary prefix with a temporary HOME, then with that install only (PATH=PREFIX/bin, run from a folder
# outside the repository):
#   dockprobe --version                          the package's version
#   dockprobe image build                        the probe image, offline (the stack below runs it in serve mode:
#                                                nothing is pulled)
#   dockprobe infer --file compose.yml --write isolation.yml    on a 3-zone stack written to that folder
#   dockprobe validate isolation.yml             exit 0
#   compose up --wait; dockprobe test isolation.yml             exit 0
#   the broken variant (the database on the public network too): dockprobe test isolation.yml --project it   exit 1
#   [hook] the dockprobe container image against the same two stacks, when it exists (DOCKPROBE_JOURNEY_IMAGE,
#          default dockprobe:latest); skipped, and said so, when it does not
# checking each exit code and output, then tears everything down and checks nothing of the runs is left. Before
# that, the package itself: `npm pack --dry-run` holds no test or bench code and package.json has its metadata.
#
#
#   user-journey.sh [all]      everything, in a temporary folder removed at the end
#   user-journey.sh install    the package checks, pack and install, into DOCKPROBE_JOURNEY_DIR (kept)
#   user-journey.sh run        the rest, with the install in DOCKPROBE_JOURNEY_DIR
# The install resolves the package's dependencies as `npm install -g` does for a user (from the registry, with the
# caller's npm config and cache; HOME is the journey's), so it needs what npm needs; `run` needs only the engine,
# which is why the two can run apart: install outside an inner engine's namespace (it has no network), run inside it.
# Runs against the engine DOCKER_HOST names. Settings: DOCKPROBE_COMPOSE (default 'docker compose'),
# DOCKPROBE_JOURNEY_IMAGE (the container image of the hook, default dockprobe:latest), DOCKPROBE_JOURNEY_DIR,
# DOCKPROBE_JOURNEY_KEEP=1 keeps a temporary folder. Prints one line per step; exit 0 when every step did what a
# user expects, 1 at the first that did not.
set -euo pipefail
cd "$(dirname "$0")/.."
DP_LOG_NAME=user-journey
# shellcheck source=lib/common.sh
. scripts/lib/common.sh
read -r -a compose <<<"${DOCKPROBE_COMPOSE:-docker compose}"
image=${DOCKPROBE_JOURNEY_IMAGE:-dockprobe:latest}
verb=${1:-all}
case "${verb}" in
  all | install | run) ;;
  *) DP_DIE_STATUS=2 die "usage: user-journey.sh [all | install | run] (got '${verb}')" ;;
esac
start=$(date +%s)
keep=${DOCKPROBE_JOURNEY_KEEP:-0}
if [ -n "${DOCKPROBE_JOURNEY_DIR:-}" ]; then
  work=${DOCKPROBE_JOURNEY_DIR}
  keep=1
elif [ "${verb}" = all ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/dockprobe-journey.XXXXXX")
else
  DP_DIE_STATUS=2 die "${verb}: set DOCKPROBE_JOURNEY_DIR to the folder the install goes to"
fi
app=${work}/app
mkdir -p "${app}" "${work}/home" "${work}/prefix"
good=dpjourney-$$
bad=dpjourney-broken-$$
runs=()
# The environment of each step: the caller's (the machine's CA settings, DOCKER_HOST, DOCKER_CONFIG), with the
# install's bin first on PATH and a HOME of its own.
user_env=(PATH="${work}/prefix/bin:${PATH}" HOME="${work}/home" NO_COLOR=1)

step() { log "$(($(date +%s) - start)) s: $*"; }
fail() {
  log "FAILED: $1"
  [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/  | /' "$2" >&2
  exit 1
}

teardown() {
  local status=$?
  set +e
  for project in "${good}" "${bad}"; do
    "${compose[@]}" -p "${project}" -f "${app}/compose.yml" down --volumes --timeout 2 >/dev/null 2>&1
  done
  # Nothing of dockprobe's runs may be left (their containers and networks carry dockprobe.run=<run id>).
  for run in "${runs[@]}"; do
    left=$(bounded_docker ps -aq --filter "label=dockprobe.run=${run}" | wc -l)
    nets=$(bounded_docker network ls -q --filter "label=dockprobe.run=${run}" | wc -l)
    if [ "${left}" -gt 0 ] || [ "${nets}" -gt 0 ]; then
      log "FAILED: run ${run} left ${left} container(s) and ${nets} network(s)"
      status=1
    fi
  done
  if [ "${keep}" = 1 ]; then log "kept ${work}"; else rm -rf "${work}"; fi
  if [ "${status}" -eq 0 ]; then step "passed"; fi
  exit "${status}"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# expect CODE NAME CMD…: runs CMD in the app folder with the installed dockprobe only; its output in $work/NAME.out.
expect() {
  local want=$1 name=$2 rc=0
  shift 2
  (cd "${app}" && env "${user_env[@]}" "$@") >"${work}/${name}.out" 2>&1 || rc=$?
  [ "${rc}" -eq "${want}" ] || fail "${name}: exit ${rc}, expected ${want}: $*" "${work}/${name}.out"
  step "${name}: exit ${rc} as expected"
}
contains() { # NAME PATTERN: the output of step NAME matches the extended regex PATTERN
  grep -Eq -- "$2" "${work}/$1.out" || fail "$1: its output lacks /$2/" "${work}/$1.out"
}

# 1. The package: what it ships and what it says about itself.
if [ "${verb}" != run ]; then
  npm pack --dry-run --json --ignore-scripts 2>/dev/null >"${work}/pack.json" || fail "npm pack --dry-run"
  # shellcheck disable=SC2016  # JavaScript, with its own template literals
  node -e '
    const [pack] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const pkg = JSON.parse(require("fs").readFileSync("package.json", "utf8"));
    const problems = pack.files.map((f) => f.path).filter((p) => /(^|\/)(test|bench|fixtures)\//.test(p) || /\.test\.[jt]s/.test(p)).map((p) => `ships test or bench code: ${p}`);
    for (const key of ["name", "version", "description", "license", "repository", "keywords", "engines", "files", "bin", "homepage", "bugs"])
      if (pkg[key] === undefined || (Array.isArray(pkg[key]) && pkg[key].length === 0)) problems.push(`package.json has no ${key}`);
    if (!pkg.repository?.url) problems.push("package.json: repository has no url");
    if (!pkg.engines?.node) problems.push("package.json: engines has no node");
    for (const needed of ["dist/cli/bin.cjs", "probes/Dockerfile", "package.json"])
      if (!pack.files.some((f) => f.path === needed)) problems.push(`the package lacks ${needed}`);
    if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
    console.error(`${pack.entryCount} files, ${(pack.size / 1e6).toFixed(1)} MB packed, ${(pack.unpackedSize / 1e6).toFixed(1)} MB unpacked`);
  ' "${work}/pack.json" 2>"${work}/pack-check.out" || fail "the package" "${work}/pack-check.out"
  step "package: $(cat "${work}/pack-check.out"); no test or bench code; metadata complete"

  # 2. Pack and install the tarball as a user would, in a prefix and HOME of its own. `prepare` (the build) runs
  # only where there is no build yet: under `npm test` the matrix runs after its own build of the same tree.
  pack_flags=()
  [ -x dist/cli/bin.cjs ] && [ -f dist/probe/agent.mjs ] && pack_flags+=(--ignore-scripts)
  npm pack "${pack_flags[@]}" --pack-destination "${work}" >"${work}/pack.out" 2>&1 || fail "npm pack" "${work}/pack.out"
  tarball=$(find "${work}" -maxdepth 1 -name 'dockprobe-*.tgz' | head -n 1)
  [ -n "${tarball}" ] || fail "npm pack wrote no tarball" "${work}/pack.out"
  # npm's own settings stay the caller's (its registry, CA and cache: how this machine reaches the registry); HOME
  # and the global prefix are the journey's.
  cache=$(npm config get cache)
  userconfig=$(npm config get userconfig)
  HOME="${work}/home" npm install --global --prefix "${work}/prefix" --cache "${cache}" \
    --userconfig "${userconfig}" --prefer-offline --no-audit --no-fund "${tarball}" >"${work}/install.out" 2>&1 ||
    fail "npm install -g" "${work}/install.out"
  [ -x "${work}/prefix/bin/dockprobe" ] || fail "the install has no bin/dockprobe" "${work}/install.out"
  step "installed $(basename "${tarball}") into ${work}/prefix"
fi
[ "${verb}" != install ] || exit 0
[ -x "${work}/prefix/bin/dockprobe" ] || DP_DIE_STATUS=2 die "run: no install in ${work}/prefix (user-journey.sh install)"

# 3. The installed CLI, from a folder outside the repository.
version=$(node -p 'require("./package.json").version')
[ "$(env "${user_env[@]}" bash -c 'command -v dockprobe')" = "${work}/prefix/bin/dockprobe" ] ||
  fail "dockprobe on PATH is not the install's"
expect 0 version dockprobe --version
[ "$(cat "${work}/version.out")" = "${version}" ] || fail "--version printed something else than ${version}" "${work}/version.out"
expect 0 image dockprobe image build
probe_image=$(tail -n 1 "${work}/image.out")
[[ "${probe_image}" == dockprobe-probe:"${version}"-* ]] || fail "image build printed no tag" "${work}/image.out"

# A 3-zone stack of the probe image in serve mode: web on the public zone, api bridging it and the backend, db on
# the internal backend only. The broken variant puts db on the public zone too.
write_stack() { # FILE DB_NETWORKS
  cat >"$1" <<EOF
# A user's stack, written by scripts/user-journey.sh.
x-service: &service
  image: ${probe_image}
  read_only: true
  cap_drop: [ALL]
  user: "65534:65534"
  stop_grace_period: 1s
services:
  web:
    <<: *service
    command: [serve, --name, web, --http, "8080"]
    expose: ["8080"]
    ports: ["127.0.0.1::8080"]
    networks: [public]
  api:
    <<: *service
    command: [serve, --name, api, --http, "3001"]
    expose: ["3001"]
    networks: [public, backend]
  db:
    <<: *service
    command: [serve, --name, db, --tcp, "5432"]
    expose: ["5432"]
    networks: $2
networks:
  public: {}
  backend:
    internal: true
EOF
}
write_stack "${app}/compose.yml" '[backend]'
mkdir -p "${app}/broken"
write_stack "${app}/broken/compose.yml" '[backend, public]'

expect 0 infer dockprobe infer --file compose.yml --write isolation.yml
[ -s "${app}/isolation.yml" ] || fail "infer --write wrote no isolation.yml" "${work}/infer.out"
expect 0 validate dockprobe validate isolation.yml
contains validate 'isolation\.yml'

"${compose[@]}" -p "${good}" -f "${app}/compose.yml" up -d --wait >"${work}/up.out" 2>&1 || fail "compose up" "${work}/up.out"
"${compose[@]}" -p "${bad}" -f "${app}/broken/compose.yml" up -d --wait >"${work}/up-broken.out" 2>&1 ||
  fail "compose up (broken)" "${work}/up-broken.out"
step "stacks ${good} and ${bad} up"

run_id() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runId)' "$1"; }
expect 0 test dockprobe test isolation.yml --project "${good}" --json "${work}/test.json"
runs+=("$(run_id "${work}/test.json")")
contains test '[0-9]+ checks: [0-9]+ passed, 0 failed, 0 inconclusive'
expect 1 test-broken dockprobe test isolation.yml --project "${bad}" --json "${work}/test-broken.json"
runs+=("$(run_id "${work}/test-broken.json")")
contains test-broken '[1-9][0-9]* failed'
contains test-broken 'FAIL.*db:5432|db:5432.*FAIL'

# 4. The dockprobe container image, built by the install as the README says (unless DOCKPROBE_JOURNEY_IMAGE names
# one already built), against the same stacks, as docs/container.md runs it.
if [ -z "${DOCKPROBE_JOURNEY_IMAGE:-}" ]; then
  expect 0 image-self dockprobe image build-self
fi
if bounded_docker image inspect "${image}" >/dev/null 2>&1; then
  socket=${DOCKER_HOST:-unix:///var/run/docker.sock}
  socket=${socket#unix://}
  for pair in "0 ${good}" "1 ${bad}"; do
    read -r want project <<<"${pair}"
    # --network host: the inferred scenario tries the stack's published ports from the host (from: host), which the
    # image does only in the host's network namespace (docs/container.md).
    expect "${want}" "image-${project}" docker run --rm --network host -v "${socket}:/var/run/docker.sock" -v "${app}:/work" \
      "${image}" test /work/isolation.yml --project "${project}"
  done
else
  step "SKIPPED: the dockprobe container image ${image} is not on this engine (DOCKPROBE_JOURNEY_IMAGE names another)"
fi
