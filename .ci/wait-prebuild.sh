#!/usr/bin/env bash
# Wait for the builds started by .ci/prebuild.sh and print how long each took.
# Exit 0 when every binary is available, 1 when a build failed (its log tail is printed), 2 on timeout.
#   AGENT_SLO_PREBUILD_TIMEOUT  seconds to wait (default 3600)
set -uo pipefail
STATE="${AGENT_SLO_PREBUILD_DIR:-/tmp/agent-slo-prebuild}"
TIMEOUT="${AGENT_SLO_PREBUILD_TIMEOUT:-3600}"
status=0
waited=0
for name in otelcol prometheus3 thanos go-agent; do
  if [[ ! -f "$STATE/$name.pid" ]]; then
    echo "wait-prebuild: $name was not started (run .ci/prebuild.sh first)"
    status=1
    continue
  fi
  while [[ ! -f "$STATE/$name.rc" ]]; do
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
exit "$status"
