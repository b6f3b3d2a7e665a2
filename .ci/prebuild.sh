#!/usr/bin/env bash
# Start the collector, Prometheus 3, Thanos and Go agent test runtime builds in the background (each reuses its cached binary when
# present), so they run while other tests do. Pair with .ci/wait-prebuild.sh.
#
# State goes to ${AGENT_SLO_PREBUILD_DIR:-/tmp/agent-slo-prebuild}/<name>.{log,rc,seconds,pid}.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${AGENT_SLO_PREBUILD_DIR:-/tmp/agent-slo-prebuild}"
mkdir -p "$STATE"
[[ -d /usr/local/go/bin ]] && export PATH="$PATH:/usr/local/go/bin"

start_build() {
  local name="$1" script="$2"
  rm -f "$STATE/$name.rc" "$STATE/$name.seconds" "$STATE/$name.log"
  nohup bash -c '
    start=$(date +%s)
    "$1" > "$2/$3.log" 2>&1
    rc=$?
    echo $(( $(date +%s) - start )) > "$2/$3.seconds"
    echo "$rc" > "$2/$3.rc"
  ' _ "$script" "$STATE" "$name" > /dev/null 2>&1 &
  echo $! > "$STATE/$name.pid"
  echo "prebuild: $name started (pid $!, log $STATE/$name.log)"
}

start_build otelcol "$ROOT/collector-config/build.sh"
start_build prometheus3 "$ROOT/collector-config/build-prometheus3.sh"
start_build thanos "$ROOT/collector-config/build-thanos.sh"
start_build go-agent "$ROOT/test/runtimes/go-agent/build.sh"
