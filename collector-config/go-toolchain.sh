# Sourced by the build scripts: finds the Go toolchain and checks its version, once for all of them.
#   require_go NAME MIN HINT   sets GO and GOVER, or exits 2 naming NAME, MIN and HINT (what else the user can do)
ver_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }
require_go() {
  local name="$1" min="$2" hint="$3"
  GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  if [[ ! -x "$GO" ]] && ! command -v "$GO" >/dev/null 2>&1; then
    echo "$name: no Go toolchain found (looked for 'go' on PATH and /usr/local/go/bin/go). Install Go >= $min or set GO=/path/to/go." >&2
    exit 2
  fi
  GOVER="$("$GO" env GOVERSION)"   # e.g. go1.26.8
  if ! ver_ge "${GOVER#go}" "$min"; then
    echo "$name: $GOVER is too old: $hint needs Go >= $min. Install a newer Go or set GO=/path/to/go." >&2
    exit 2
  fi
}
