#!/usr/bin/env bash
# The GitHub Action's one step of logic (action.yml passes its inputs as INPUT_* variables): runs `dockprobe test`
# once and turns that one run into everything a workflow reads:
#   stdout          GitHub workflow commands (--format github): one ::error/::warning per finding, at its line
#   INPUT_JUNIT     JUnit XML (for test-report actions), when not empty
#   INPUT_SARIF     SARIF 2.1.0 (for github/codeql-action/upload-sarif), when not empty
#   $GITHUB_STEP_SUMMARY   the Markdown report appended (the summary line, the zone matrix, each mismatch); when
#                   dockprobe wrote no report (exit 2 or 3 before any check), its exit code and its last stderr lines
#   $GITHUB_OUTPUT  exit-code, total, pass, fail, inconclusive (counts empty when there is no report), and junit and
#                   sarif: the paths of the files written
# and exits with dockprobe's exit code (0 all pass, 1 a mismatch, 2 usage or scenario error, 3 inconclusive or
# infrastructure error), so the step fails on anything but a pass; `continue-on-error: true` keeps the job going.
#
# Inputs (environment; empty means not given):
#   INPUT_SCENARIOS      scenario files, separated by spaces or newlines (globs are the shell's: write them out)
#   INPUT_PROJECT        Compose projects (or swarm stacks), separated by spaces or newlines
#   INPUT_INFER          true: also what the deployment implies (--infer)
#   INPUT_COMPOSE_FILES  Compose files --infer reads (--file), separated by spaces or newlines
#   INPUT_JUNIT, INPUT_SARIF   where to write those reports ('' writes none)
#   INPUT_SUMMARY        false: leave the step summary alone (default true)
#   INPUT_ANNOTATIONS    false: no workflow commands on stdout, the plain report instead (default true)
#   INPUT_ARGS           further options for `dockprobe test`, split on whitespace (no quoting)
#   INPUT_WORKING_DIRECTORY   where paths are relative to and the run happens (default .)
#   DOCKPROBE_CLI        the dockprobe command, split on whitespace (default: dockprobe on PATH)
#   RUNNER_TEMP          where the JSON and Markdown reports go before they are read (default: a mktemp dir)
set -uo pipefail

fail_usage() {
  echo "::error title=dockprobe action::$*"
  exit 2
}

boolean() { # true or false for a boolean input's value $1 (default $2); nothing for anything else
  local value=${1:-$2}
  case "${value,,}" in
    true | yes | 1) echo true ;;
    false | no | 0) echo false ;;
    *) ;;
  esac
}

infer=$(boolean "${INPUT_INFER:-}" false)
summary=$(boolean "${INPUT_SUMMARY:-}" true)
annotations=$(boolean "${INPUT_ANNOTATIONS:-}" true)
[ -n "${infer}" ] || fail_usage "input infer must be true or false, got '${INPUT_INFER:-}'"
[ -n "${summary}" ] || fail_usage "input summary must be true or false, got '${INPUT_SUMMARY:-}'"
[ -n "${annotations}" ] || fail_usage "input annotations must be true or false, got '${INPUT_ANNOTATIONS:-}'"
cd "${INPUT_WORKING_DIRECTORY:-.}" || fail_usage "input working-directory: no such directory '${INPUT_WORKING_DIRECTORY:-}'"

# Lists split on spaces, tabs and newlines (read ends at the input's end, which is its non-zero status).
read -r -d '' -a cli <<<"${DOCKPROBE_CLI:-dockprobe}"
read -r -d '' -a scenarios <<<"${INPUT_SCENARIOS:-}"
read -r -d '' -a projects <<<"${INPUT_PROJECT:-}"
read -r -d '' -a compose_files <<<"${INPUT_COMPOSE_FILES:-}"
read -r -d '' -a extra <<<"${INPUT_ARGS:-}"
if [ "${#scenarios[@]}" -eq 0 ] && [ "${infer}" = false ]; then
  fail_usage "nothing to test: give scenarios, or infer: true (with project or compose-files)"
fi

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dockprobe-action.XXXXXX") || exit 3
trap 'rm -rf "${work}"' EXIT
json=${work}/report.json
markdown=${work}/report.md
stderr_log=${work}/stderr.log

args=(test "${scenarios[@]}")
[ "${#projects[@]}" -gt 0 ] && args+=(--project "${projects[@]}")
if [ "${infer}" = true ]; then
  args+=(--infer)
  [ "${#compose_files[@]}" -gt 0 ] && args+=(--file "${compose_files[@]}")
fi
if [ "${annotations}" = true ]; then args+=(--format github); else args+=(--format pretty); fi
args+=(--json "${json}" --markdown "${markdown}")
[ -n "${INPUT_JUNIT:-}" ] && args+=(--junit "${INPUT_JUNIT}")
[ -n "${INPUT_SARIF:-}" ] && args+=(--sarif "${INPUT_SARIF}")
args+=("${extra[@]}")

echo "dockprobe-action: ${cli[*]} ${args[*]}" >&2
# stdout stays stdout (the workflow commands); stderr goes to the log as it comes (progress, errors) and to a file,
# for the summary when there is no report.
{ "${cli[@]}" "${args[@]}" 2>&1 1>&3 3>&- | tee "${stderr_log}" >&2; } 3>&1
status=${PIPESTATUS[0]}

# Counts from the JSON report; none when dockprobe stopped before it had one (usage error, engine unreachable).
counts=()
if [ -s "${json}" ]; then
  read -r -a counts < <(node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).summary;
    console.log([s.total, s.pass, s.fail, s.inconclusive].join(" "));' "${json}" 2>/dev/null)
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=${status}"
    echo "total=${counts[0]:-}"
    echo "pass=${counts[1]:-}"
    echo "fail=${counts[2]:-}"
    echo "inconclusive=${counts[3]:-}"
    [ -n "${INPUT_JUNIT:-}" ] && [ -f "${INPUT_JUNIT}" ] && echo "junit=${INPUT_JUNIT}"
    [ -n "${INPUT_SARIF:-}" ] && [ -f "${INPUT_SARIF}" ] && echo "sarif=${INPUT_SARIF}"
  } >>"${GITHUB_OUTPUT}"
fi

if [ "${summary}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  if [ -s "${markdown}" ]; then
    cat "${markdown}" >>"${GITHUB_STEP_SUMMARY}"
    echo >>"${GITHUB_STEP_SUMMARY}"
  else
    {
      echo "## dockprobe: exit ${status}, no report"
      echo
      echo "dockprobe stopped before it had checked anything. Its last lines:"
      echo
      echo '```'
      tail -n 20 "${stderr_log}"
      echo '```'
      echo
    } >>"${GITHUB_STEP_SUMMARY}"
  fi
fi

exit "${status}"
