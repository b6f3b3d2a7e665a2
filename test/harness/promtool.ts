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
export async function runPromtool(args: readonly string[], cwd: string, binary = 'promtool', interleaved = false, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; killed?: string }> {
  try {
    const [file, argv] = interleaved ? ['sh', ['-c', 'exec "$0" "$@" 2>&1', binary, ...args]] : [binary, [...args]];
    const r = await run(file, argv, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: PROMTOOL_TIMEOUT_MS });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; killed?: boolean; signal?: string; stdout?: string; stderr?: string };
    // A kill (the timeout under heavy load) says so, instead of passing for a test failure with no lines.
    const killed = e.killed === true || e.signal != null ? `promtool ${args[0] ?? ''} was killed (${e.signal ?? 'signal'}) after at most ${String(PROMTOOL_TIMEOUT_MS / 1000)} s` : undefined;
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}${killed === undefined ? '' : `\n${killed}\n`}`;
    return { code: typeof e.code === 'number' ? e.code : -1, out, ...(killed === undefined ? {} : { killed }) };
  }
}

/** What `promtool test rules` said about each file: how many passed, and each failure with the start of its output. */
export interface PromtoolTestOutcome {
  readonly passed: number;
  readonly failed: readonly { readonly file: string; readonly out: string }[];
}

/**
 * The per-file results in `promtool test rules` output over many files: each file's block starts with
 * `Unit Testing: FILE` (2.x) or `Processing test file: FILE` (3.x) and passes with a `SUCCESS` line. A file the
 * output never names counts as neither passed nor failed, so callers compare `passed` with the file count.
 */
export function parsePromtoolTests(out: string): PromtoolTestOutcome {
  const start = /^(?:Unit Testing:|Processing test file:)\s+(\S+)/;
  let passed = 0;
  const failed: { file: string; out: string }[] = [];
  for (const block of out.split(/^(?=Unit Testing: |Processing test file: )/m)) {
    const file = start.exec(block)?.[1];
    if (file === undefined) continue;
    if (/^\s+SUCCESS\s*$/m.test(block) && !block.includes('FAILED')) passed++;
    else failed.push({ file, out: block.slice(0, 3000) });
  }
  return { passed, failed };
}

/**
 * Go's GC target for bulk `promtool test rules` runs: the unit tests allocate fast on a small heap, and GOGC=400
 * cut promtool's CPU time by 16% (85 random specs' test files: 3.x 52 → 43 s, 2.42 64 → 54 s user+sys) for a
 * peak RSS of 380 MB instead of 105 MB (3.x).
 */
const BULK_TEST_GOGC = '400';

/** Files per `promtool test rules` process in bulk runs: small enough that one process's 600 s timeout stays far off under load. */
const BULK_TEST_CHUNK = 24;

/**
 * `promtool test rules` over `files` (relative to `root`): chunks of BULK_TEST_CHUNK files, `processes` promtool
 * processes at a time (the tests are CPU-bound); the outcome of every file. A killed process throws.
 */
export async function promtoolTestRules(root: string, files: readonly string[], binary = 'promtool', processes = 2): Promise<PromtoolTestOutcome> {
  const chunks: string[][] = [];
  for (let i = 0; i < files.length; i += BULK_TEST_CHUNK) chunks.push(files.slice(i, i + BULK_TEST_CHUNK));
  let passed = 0;
  const failed: { file: string; out: string }[] = [];
  const worker = async (): Promise<void> => {
    for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) {
      const { out, killed } = await runPromtool(['test', 'rules', ...chunk], root, binary, true, { GOGC: BULK_TEST_GOGC });
      if (killed !== undefined) throw new Error(`${killed} (files ${chunk.join(' ')})`);
      const r = parsePromtoolTests(out);
      passed += r.passed;
      failed.push(...r.failed);
    }
  };
  await Promise.all(Array.from({ length: processes }, worker));
  return { passed, failed };
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

