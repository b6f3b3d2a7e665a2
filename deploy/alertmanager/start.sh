#!/bin/sh
# Starts Alertmanager in the compose stack with the generated configuration of one profile
# (alertmanager/<profile>/, mounted read-only at $AGENT_SLO_AM_CONFIG_DIR).
#
# Alertmanager 0.25 has no webhook `url_file` and no environment expansion, so the committed configuration carries
# placeholder URLs `http://env.agent-slo.invalid/<VAR>` (src/conventions.ts, amEnvPlaceholderUrl). This script copies
# the configuration to a writable directory, replaces each placeholder by the value of $<VAR>, and execs Alertmanager
# with the rendered file and the arguments it was given. A placeholder whose variable is unset or empty stays as it
# is (a valid URL that never resolves: `.invalid` is reserved), with a warning, so the stack starts without secrets.
# POSIX sh + awk: runs in the busybox-based prom/alertmanager image and under Debian's dash (tests).
set -eu

SRC="${AGENT_SLO_AM_CONFIG_DIR:-/etc/alertmanager/agent-slo}"
OUT="${AGENT_SLO_AM_RENDER_DIR:-/tmp/agent-slo-alertmanager}"
BIN="${AGENT_SLO_AM_BINARY:-/bin/alertmanager}"

if [ ! -f "$SRC/alertmanager.yml" ]; then
  echo "agent-slo: $SRC/alertmanager.yml not found: generate it first (agent-slo generate), then start the stack again; profile: ${AGENT_SLO_PROFILE:-runtime-v1}" >&2
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT"
cp -R "$SRC/." "$OUT/"

awk '
  {
    line = $0
    out = ""
    while (match(line, /http:\/\/env\.agent-slo\.invalid\/[A-Za-z_][A-Za-z0-9_]*/)) {
      prefixLength = length("http://env.agent-slo.invalid/")
      name = substr(line, RSTART + prefixLength, RLENGTH - prefixLength)
      value = ENVIRON[name]
      if (value == "") {
        value = substr(line, RSTART, RLENGTH)
        if (!(name in warned)) {
          print "agent-slo: warning: " name " is not set; its webhook receiver keeps the placeholder " value " and deliveries to it fail (docs/stack.md)" > "/dev/stderr"
          warned[name] = 1
        }
      }
      out = out substr(line, 1, RSTART - 1) value
      line = substr(line, RSTART + RLENGTH)
    }
    print out line
  }
' "$SRC/alertmanager.yml" > "$OUT/alertmanager.yml"

# Slack receivers read their webhook URL from api_url_file at delivery time; say early when it is missing.
for f in $(sed -n 's/.*api_url_file:[[:space:]]*//p' "$OUT/alertmanager.yml" | tr -d "\"'" | sed 's/[[:space:]#].*//' | sort -u); do
  if [ ! -s "$f" ]; then
    echo "agent-slo: warning: Slack api_url_file $f is missing or empty; Slack deliveries fail until you create it (docs/stack.md)" >&2
  fi
done

exec "$BIN" --config.file="$OUT/alertmanager.yml" "$@"
