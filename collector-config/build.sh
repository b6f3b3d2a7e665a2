#!/usr/bin/env bash
# Build the agent-slo OpenTelemetry Collector with the official builder (ocb) into a cache outside the
# repository, keyed by the hash of builder-config.yaml, and reuse it when it is already there.
#
#   collector-config/build.sh          # prints the binary path on the last line
#
# Env: AGENT_SLO_CACHE (default ~/.cache/agent-slo), GO (default: go on PATH, else /usr/local/go/bin/go).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MANIFEST="$HERE/builder-config.yaml"
BUILDER_VERSION="v0.161.0"
GO_MIN="1.26"
CACHE="${AGENT_SLO_CACHE:-$HOME/.cache/agent-slo}"
HASH="$(sha256sum "$MANIFEST" | cut -c1-16)"
OUT_DIR="$CACHE/otelcol/$HASH"
OUT="$OUT_DIR/otelcol-agent-slo"

if [[ -x "$OUT" ]]; then
  echo "otelcol: reusing $OUT"
  echo "$OUT"
  exit 0
fi

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
if ! command -v "$GO" >/dev/null 2>&1; then
  echo "otelcol: no Go toolchain found (looked for 'go' on PATH and /usr/local/go/bin/go). Install Go >= $GO_MIN or set GO=/path/to/go." >&2
  exit 2
fi
GOVER="$("$GO" env GOVERSION)"
ver_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }
if ! ver_ge "${GOVER#go}" "$GO_MIN"; then
  echo "otelcol: $GOVER is too old: the OpenTelemetry Collector Builder $BUILDER_VERSION needs Go >= $GO_MIN. Install a newer Go (https://go.dev/dl/) or set GO=/path/to/go." >&2
  exit 2
fi

start=$(date +%s)
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="${GOFLAGS:--buildvcs=false}"
BUILDER_DIR="$CACHE/tools/builder-$BUILDER_VERSION"
if [[ ! -x "$BUILDER_DIR/builder" ]]; then
  echo "otelcol: installing go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION"
  mkdir -p "$BUILDER_DIR"
  GOBIN="$BUILDER_DIR" "$GO" install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agent-slo-otelcol.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "otelcol: building $MANIFEST (hash $HASH) with $GOVER in $WORK"
# ocb has no --output-path flag: build from a copy of the manifest whose dist.output_path points at $WORK.
sed "s|^\([[:space:]]*output_path:\).*|\1 $WORK/src|" "$MANIFEST" > "$WORK/builder-config.yaml"
PATH="$(dirname "$(command -v "$GO")"):$PATH" "$BUILDER_DIR/builder" --config="$WORK/builder-config.yaml"
mkdir -p "$OUT_DIR"
cp "$WORK/src/otelcol-agent-slo" "$OUT_DIR/otelcol-agent-slo.tmp"
cp "$MANIFEST" "$OUT_DIR/builder-config.yaml"
mv "$OUT_DIR/otelcol-agent-slo.tmp" "$OUT"
end=$(date +%s)
echo "otelcol: built $OUT in $((end - start)) s"
echo "$OUT"
