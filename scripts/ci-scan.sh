#!/usr/bin/env bash
# The scan step of leakguard's GitHub Action (action.yml), kept here so that the test
# runs exactly what CI runs (test/ci/ci-scan.test.ts). Scans what a pull request (or a
# push) adds: the commits in BASE..HEAD, or the whole history when there is no base (a
# new branch's first push). Writes SARIF for code scanning and the text report to the
# log, and leaves the pass/fail decision to a later step so that the SARIF is uploaded
# either way.
#
# Environment (all optional except in a checkout):
#   LEAKGUARD_BASE     base commit (the PR's base, or the push's "before"); empty or zeros: full history
#   LEAKGUARD_HEAD     head commit (default HEAD)
#   LEAKGUARD_FAIL_ON  critical|high|medium|low (default: .leakguard.yml's failOn, else any finding)
#   LEAKGUARD_SARIF    SARIF file to write (default leakguard.sarif)
#   LEAKGUARD_BIN      leakguard's compiled CLI (default: the action's own dist/cli/main.js)
#   GITHUB_OUTPUT      where `exit-code` and `sarif-file` go (GitHub sets it)
set -euo pipefail

bin=${LEAKGUARD_BIN:-${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH or LEAKGUARD_BIN is needed}/dist/cli/main.js}
head=${LEAKGUARD_HEAD:-HEAD}
base=${LEAKGUARD_BASE:-}
sarif=${LEAKGUARD_SARIF:-leakguard.sarif}
out=${GITHUB_OUTPUT:-/dev/null}

args=()
if [ -n "${LEAKGUARD_FAIL_ON:-}" ]; then args+=(--fail-on "$LEAKGUARD_FAIL_ON"); fi

have() { git cat-file -e "$1^{commit}" 2>/dev/null; }
# actions/checkout fetches one commit by default: a range needs the commits between its
# ends, and a shallow history would be scanned only down to its graft.
if [ "$(git rev-parse --is-shallow-repository)" = true ]; then git fetch --quiet --no-tags --unshallow origin; fi
if ! have "$head"; then git fetch --quiet --no-tags origin "$head"; fi
if [[ -z $base || $base =~ ^0+$ ]]; then
  scope=(--history)
else
  if ! have "$base"; then git fetch --quiet --no-tags origin "$base"; fi
  scope=(--range "$base..$head")
fi

# The text report for the job log; its exit code is the verdict. 2 (an error, or an
# incomplete scan) stops here: there is no trustworthy SARIF to upload.
code=0
node "$bin" scan "${scope[@]}" "${args[@]}" --no-progress --no-color || code=$?
if [ "$code" -ge 2 ]; then exit "$code"; fi
sarif_code=0
node "$bin" scan "${scope[@]}" "${args[@]}" --no-progress --format sarif --output "$sarif" || sarif_code=$?
if [ "$sarif_code" -ge 2 ]; then exit "$sarif_code"; fi

echo "exit-code=$code" >> "$out"
echo "sarif-file=$sarif" >> "$out"
