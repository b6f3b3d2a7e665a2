import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a promtool binary (default `promtool` on PATH, Debian's 2.42) and returns its exit code and combined output. */
export async function runPromtool(args: readonly string[], cwd: string, binary = 'promtool'): Promise<{ code: number; out: string }> {
  try {
    const r = await run(binary, [...args], { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The generated promtool test files of a profile (rules/<profile>/tests/*.yaml), sorted. */
export async function generatedRuleTestFiles(root: string, profile: string): Promise<string[]> {
  return (await readdir(join(root, 'rules', profile, 'tests'))).filter((f) => f.endsWith('.yaml')).sort();
}
