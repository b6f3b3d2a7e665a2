#!/usr/bin/env bash
# The second test leg: instrumentation tests and CLI tests on Node 24 (npm package `node`) with OpenTelemetry JS 3.x,
# both installed from test/otel3/package-lock.json. Every process checks both at start (hooks.mjs), so the leg
# cannot silently run on Node 20 or OTel 2.x.
set -euo pipefail
leg="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$leg/../.." && pwd)"
if [[ ! -x "$leg/node_modules/.bin/node" || "$leg/package-lock.json" -nt "$leg/node_modules/.package-lock.json" ]]; then
  echo "test:otel3: installing the leg (npm ci --prefix test/otel3)"
  npm ci --prefix "$leg" --no-audit --no-fund
fi
# node, npx and every child process (the CLI, the demo runtime) run the leg's Node 24 with its module hooks.
export PATH="$leg/node_modules/.bin:$PATH"
export NODE_OPTIONS="--import $leg/hooks.mjs${NODE_OPTIONS:+ $NODE_OPTIONS}"
cd "$root"
exec node node_modules/vitest/vitest.mjs run --config test/otel3/vitest.config.ts "$@"
