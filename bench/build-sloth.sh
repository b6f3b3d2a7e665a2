#!/usr/bin/env bash
# Build real Sloth (https://github.com/slok/sloth) for the rule-cost benchmark (bench/rules/run.mjs) into a cache
# outside the repository, and reuse the binary when it is already there. Benchmarks only: never run by CI.
#
#   bench/build-sloth.sh                       # prints the sloth binary path on the last line
#   SLOTH_VERSION=v0.16.0 bench/build-sloth.sh
#
# `go install github.com/slok/sloth/cmd/sloth@VERSION` works for Sloth (its go.mod has no replace directives); the
# version is stamped the way Sloth's own build does (internal/info.Version) so `sloth_slo_info` says which release.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../collector-config/go-toolchain.sh"

VERSION="${SLOTH_VERSION:-v0.16.0}"   # its go.mod says `go 1.26.0`
CACHE="${AGENT_SLO_CACHE:-$HOME/.cache/agent-slo}"
OUT_DIR="$CACHE/sloth/$VERSION"
OUT="$OUT_DIR/sloth"
if [[ -x "$OUT" ]]; then
  echo "sloth: reusing $OUT"
  echo "$OUT"
  exit 0
fi

require_go sloth "1.26.0" "Sloth $VERSION (its go.mod 'go' line; or set SLOTH_VERSION to an older release)"

start=$(date +%s)
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="${GOFLAGS:--buildvcs=false}"
mkdir -p "$OUT_DIR"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agent-slo-sloth.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "sloth: go install github.com/slok/sloth/cmd/sloth@$VERSION with $GOVER"
GOBIN="$WORK" CGO_ENABLED=0 "$GO" install -trimpath -ldflags "-s -w -X github.com/slok/sloth/internal/info.Version=$VERSION" "github.com/slok/sloth/cmd/sloth@$VERSION"
mv "$WORK/sloth" "$OUT"
end=$(date +%s)
echo "sloth: built $OUT in $((end - start)) s"
echo "$OUT"
