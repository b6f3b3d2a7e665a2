#!/usr/bin/env bash
# Build the agent-slo OpenTelemetry Collector with the official builder (ocb) into a cache outside the
# repository, keyed by the hash of builder-config.yaml, and reuse it when it is already there.
#
#   collector-config/build.sh          # prints the binary path on the last line
#
# Env: AGENT_SLO_CACHE (default ~/.cache/agent-slo), GO (default: go on PATH, else /usr/local/go/bin/go).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/go-toolchain.sh"

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

require_go otelcol "$GO_MIN" "the OpenTelemetry Collector Builder $BUILDER_VERSION"

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
