#!/usr/bin/env bash
# Wait for the builds started by .ci/prebuild.sh and print how long each took.
# Exit 0 when every binary is available, 1 when a build failed (its log tail is printed), 2 on timeout.
#   --if-started  (npm run test:go-built, before the go-built tests) wait only for builds that were started and are
#                 still running; report failures without failing (the tests that need a missing binary fail in CI
#                 and skip elsewhere). A developer machine without .ci/prebuild.sh returns at once.
#   AGENT_SLO_PREBUILD_TIMEOUT  seconds to wait (default 3600)
set -uo pipefail
STATE="${AGENT_SLO_PREBUILD_DIR:-/tmp/agent-slo-prebuild}"
TIMEOUT="${AGENT_SLO_PREBUILD_TIMEOUT:-3600}"
if_started=false
[[ "${1:-}" == "--if-started" ]] && if_started=true
status=0
waited=0
for name in otelcol prometheus3 thanos go-agent; do
  if [[ ! -f "$STATE/$name.pid" ]]; then
    $if_started && continue
    echo "wait-prebuild: $name was not started (run .ci/prebuild.sh first)"
    status=1
    continue
  fi
  while [[ ! -f "$STATE/$name.rc" ]]; do
    if ! ps -p "$(cat "$STATE/$name.pid")" >/dev/null 2>&1 && [[ ! -f "$STATE/$name.rc" ]]; then
      echo "wait-prebuild: $name build is no longer running and left no exit code; log: $STATE/$name.log"
      status=1
      continue 2
    fi
    if (( waited >= TIMEOUT )); then
      echo "wait-prebuild: $name still building after ${TIMEOUT} s; log: $STATE/$name.log"
      tail -n 20 "$STATE/$name.log"
      exit 2
    fi
    sleep 2
    waited=$((waited + 2))
  done
  rc="$(cat "$STATE/$name.rc")"
  secs="$(cat "$STATE/$name.seconds" 2>/dev/null || echo '?')"
  if [[ "$rc" == 0 ]]; then
    what="$(grep -E '^(otelcol|prometheus3|thanos|go-agent): (reusing|built)' "$STATE/$name.log" | tail -n 1)"
    echo "wait-prebuild: $name ok in ${secs} s (${what})"
  else
    echo "wait-prebuild: $name FAILED (exit $rc) after ${secs} s; last lines of $STATE/$name.log:"
    tail -n 40 "$STATE/$name.log"
    status=1
  fi
done
$if_started && exit 0
exit "$status"
