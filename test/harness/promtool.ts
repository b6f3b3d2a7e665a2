import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PrometheusVersion } from '../../src/conventions.js';
import { promtool3Binary } from './binaries.js';
import { goBuilt } from './go-built.js';

const run = promisify(execFile);
const PROMTOOL_TIMEOUT_MS = 600_000;

/**
 * Runs a promtool binary (default `promtool` on PATH, Debian's 2.42) and returns its exit code and combined output.
 * `interleaved`: stdout and stderr share one pipe, so each failure stays next to the file it belongs to.
 */
export async function runPromtool(args: readonly string[], cwd: string, binary = 'promtool', interleaved = false): Promise<{ code: number; out: string; killed?: string }> {
  try {
    const [file, argv] = interleaved ? ['sh', ['-c', 'exec "$0" "$@" 2>&1', binary, ...args]] : [binary, [...args]];
    const r = await run(file, argv, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: PROMTOOL_TIMEOUT_MS });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; killed?: boolean; signal?: string; stdout?: string; stderr?: string };
    // A kill (the timeout under heavy load) says so, instead of passing for a test failure with no lines.
    const killed = e.killed === true || e.signal != null ? `promtool ${args[0] ?? ''} was killed (${e.signal ?? 'signal'}) after at most ${String(PROMTOOL_TIMEOUT_MS / 1000)} s` : undefined;
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}${killed === undefined ? '' : `\n${killed}\n`}`;
    return { code: typeof e.code === 'number' ? e.code : -1, out, ...(killed === undefined ? {} : { killed }) };
  }
}

/** The generated promtool test files of a profile (rules/<profile>/tests/*.yaml), sorted. */
export async function generatedRuleTestFiles(root: string, profile: string): Promise<string[]> {
  return (await readdir(join(root, 'rules', profile, 'tests'))).filter((f) => f.endsWith('.yaml')).sort();
}

/**
 * The promtool that checks rules generated for a spec's target Prometheus major version (`prometheusVersion`):
 * Debian's 2.42 on PATH for 2, the Go-built 3.x (collector-config/build-prometheus3.sh) for 3. Version 3 waits for
 * CI's prebuild, so only tests of the go-built vitest group may ask for it.
 */
export async function promtoolFor(version: PrometheusVersion): Promise<{ readonly path?: string; readonly missingReason?: string }> {
  if (version === 2) return { path: 'promtool' };
  const p3 = await goBuilt(() => promtool3Binary());
  return p3.path !== undefined ? { path: p3.path } : { missingReason: p3.missingReason ?? 'promtool 3 is not built' };
}

