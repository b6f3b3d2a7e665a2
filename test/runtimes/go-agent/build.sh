#!/usr/bin/env bash
# Build the Go agent test runtime (OpenTelemetry Go SDK, modules from the Go module proxy) into a cache outside the
# repository, keyed by the hash of its sources, and reuse it when it is already there.
#
#   test/runtimes/go-agent/build.sh     # prints the binary path on the last line
#
# Env: AGENT_SLO_CACHE (default ~/.cache/agent-slo), GO (default: go on PATH, else /usr/local/go/bin/go).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${AGENT_SLO_CACHE:-$HOME/.cache/agent-slo}"
HASH="$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go" | sha256sum | cut -c1-16)"
OUT="$CACHE/go-agent/$HASH/go-agent"
if [[ -x "$OUT" ]]; then
  echo "go-agent: reusing $OUT"
  echo "$OUT"
  exit 0
fi
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
if ! command -v "$GO" >/dev/null 2>&1; then
  echo "go-agent: no Go toolchain found (looked for 'go' on PATH and /usr/local/go/bin/go). Install Go >= 1.26 or set GO=/path/to/go." >&2
  exit 2
fi
start=$(date +%s)
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="${GOFLAGS:--buildvcs=false}"
mkdir -p "$(dirname "$OUT")"
(cd "$HERE" && "$GO" build -trimpath -o "$OUT.tmp" .)
mv "$OUT.tmp" "$OUT"
echo "go-agent: built $OUT in $(( $(date +%s) - start )) s"
echo "$OUT"
