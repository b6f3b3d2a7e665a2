#!/usr/bin/env bash
# Build Thanos (query, sidecar, ruler: one binary) from the Go module into a cache outside the repository, and reuse
# it when it is already there.
#
#   collector-config/build-thanos.sh            # prints the thanos binary path on the last line
#   THANOS_VERSION=v0.42.0 collector-config/build-thanos.sh
#
# Why not `go install github.com/thanos-io/thanos/cmd/thanos@...`: its go.mod has replace directives, which
# `go install pkg@version` refuses; `go mod download` + `go build` inside a writable copy of the module works.
# v0.42.0 (go.mod: go 1.26.0) is the newest release this machine's Go 1.26.8 builds (v0.42.5 needs Go >= 1.26.10).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/go-toolchain.sh"

VERSION="${THANOS_VERSION:-v0.42.0}"
NEED="1.26.0"
CACHE="${AGENT_SLO_CACHE:-$HOME/.cache/agent-slo}"
OUT_DIR="$CACHE/thanos/$VERSION"
OUT="$OUT_DIR/thanos"

if [[ -x "$OUT" ]]; then
  echo "thanos: reusing $OUT"
  echo "$OUT"
  exit 0
fi

require_go thanos "$NEED" "Thanos $VERSION (its go.mod 'go' line; or set THANOS_VERSION to an older release)"

start=$(date +%s)
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="${GOFLAGS:--buildvcs=false}"
echo "thanos: downloading github.com/thanos-io/thanos@$VERSION"
MODDIR="$("$GO" mod download -json "github.com/thanos-io/thanos@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$MODDIR" || ! -d "$MODDIR" ]]; then
  echo "thanos: go mod download did not report a module directory" >&2
  exit 1
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agent-slo-thanos.XXXXXX")"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cp -r "$MODDIR/." "$WORK/"
chmod -R u+w "$WORK"
mkdir -p "$OUT_DIR"
# slicelabels, as its .promu.yml builds releases: Thanos reinterprets Prometheus label sets as its own protobuf
# labels; with Prometheus' default stringlabels the sidecar panics on its first gRPC answer (makeslice: len out of range).
echo "thanos: building ./cmd/thanos in $WORK with $GOVER (tags: slicelabels)"
( cd "$WORK" && "$GO" build -trimpath -tags slicelabels -ldflags "-s -w -X github.com/prometheus/common/version.Version=${VERSION#v}" -o "$OUT_DIR/thanos.tmp" ./cmd/thanos )
mv "$OUT_DIR/thanos.tmp" "$OUT"
echo "thanos: built $OUT in $(( $(date +%s) - start )) s"
echo "$OUT"
