import { spawnSync } from 'node:child_process';

/**
 * Tests that run the real CLI use the compiled JS: build once (incremental, fast when up to date). Type errors are
 * reported by `npm run typecheck` (part of `npm test`); tsc still emits JS then, so a type error elsewhere does not
 * hide what a CLI test checks.
 */
export default function setup(): void {
  const r = spawnSync('npx', ['tsc', '-b'], { encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`global-setup: tsc -b reported errors (tests run on the emitted JS):\n${r.stdout}${r.stderr}\n`);
}
