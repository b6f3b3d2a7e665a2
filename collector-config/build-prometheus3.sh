#!/usr/bin/env bash
# Build Prometheus 3 (API only, no UI assets, no service discovery) and its promtool from the Go module into a
# cache outside the repository, and reuse each binary when it is already there.
#
#   collector-config/build-prometheus3.sh            # prints the prometheus binary path on the last line
#   PROMETHEUS3_VERSION=v0.316.0 collector-config/build-prometheus3.sh
#
# Why not `go install github.com/prometheus/prometheus/cmd/prometheus@...`: the module's go.mod has
# replace/exclude directives, which `go install pkg@version` refuses. `go mod download` + `go build`
# inside a writable copy of the module directory works.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/go-toolchain.sh"

VERSION="${PROMETHEUS3_VERSION:-v0.316.0}"   # Prometheus 3.16.0; its go.mod says `go 1.26.7`
CACHE="${AGENT_SLO_CACHE:-$HOME/.cache/agent-slo}"
OUT_DIR="$CACHE/prometheus3/$VERSION"
OUT="$OUT_DIR/prometheus"
PROMTOOL_OUT="$OUT_DIR/promtool"   # promtool of the same release (rule unit tests against 3.x semantics)

# Which of the two binaries still need building (each one is reused when present).
MISSING=()
[[ -x "$OUT" ]] || MISSING+=(prometheus)
[[ -x "$PROMTOOL_OUT" ]] || MISSING+=(promtool)
if [[ ${#MISSING[@]} -eq 0 ]]; then
  echo "prometheus3: reusing $OUT and $PROMTOOL_OUT"
  echo "$OUT"
  exit 0
fi

require_go prometheus3 "1.26.7" "Prometheus $VERSION (its go.mod 'go' line; or set PROMETHEUS3_VERSION to an older release)"

start=$(date +%s)
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="${GOFLAGS:--buildvcs=false}"
echo "prometheus3: downloading github.com/prometheus/prometheus@$VERSION"
MODDIR="$("$GO" mod download -json "github.com/prometheus/prometheus@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$MODDIR" || ! -d "$MODDIR" ]]; then
  echo "prometheus3: go mod download did not report a module directory" >&2
  exit 1
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agent-slo-prom3.XXXXXX")"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cp -r "$MODDIR/." "$WORK/"
chmod -R u+w "$WORK"
mkdir -p "$OUT_DIR"
for cmd in "${MISSING[@]}"; do
  echo "prometheus3: building ./cmd/$cmd in $WORK with $GOVER (tags: remove_all_sd)"
  ( cd "$WORK" && "$GO" build -trimpath -tags remove_all_sd -ldflags "-s -w -X github.com/prometheus/common/version.Version=3.${VERSION#v0.3}" -o "$OUT_DIR/$cmd.tmp" "./cmd/$cmd" )
  mv "$OUT_DIR/$cmd.tmp" "$OUT_DIR/$cmd"
done
end=$(date +%s)
echo "prometheus3: built ${MISSING[*]} into $OUT_DIR in $((end - start)) s"
echo "$OUT"
