/**
 * The committed rule files pass `promtool check rules`, every generated `promtool test rules` suite passes, and a
 * mutation (one threshold shifted in a temp copy of the rules) makes the suites fail: the tests can fail.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package.js';

const run = promisify(execFile);
const root = packageRoot();
const PROFILES = ['runtime-v1', 'kokino'];

async function promtool(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run('promtool', args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function testFiles(profile: string): Promise<string[]> {
  return (await readdir(join(root, 'rules', profile, 'tests'))).filter((f) => f.endsWith('.yaml')).sort();
}

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('promtool on the generated rules', () => {
  it('promtool check rules accepts both rule files', async () => {
    const r = await promtool(['check', 'rules', ...PROFILES.map((p) => join('rules', p, 'rules.yaml'))], root);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found[\s\S]*SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  for (const profile of PROFILES) {
    it.concurrent(`every generated promtool test suite of ${profile} passes`, { timeout: 900_000 }, async () => {
      const files = await testFiles(profile);
      expect(files.length).toBeGreaterThanOrEqual(5);
      for (const f of files) {
        const r = await promtool(['test', 'rules', f], join(root, 'rules', profile, 'tests'));
        expect(r.out, `${profile}/${f}`).toContain('SUCCESS');
        expect(r.code, `${profile}/${f}:\n${r.out}`).toBe(0);
      }
    });
  }

  it.concurrent('a shifted threshold makes the suite fail (mutation check)', { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-mutation-'));
    temps.push(dir);
    await cp(join(root, 'rules', 'kokino'), dir, { recursive: true });
    const file = join(dir, 'rules.yaml');
    const text = await readFile(file, 'utf8');
    // Availability's critical threshold 99% → 98.9%: traffic just below 99% no longer fires.
    const needle = 'slo_window="1h"} < 0.99 and';
    expect(text.split(needle)).toHaveLength(2);
    await writeFile(file, text.replace(needle, 'slo_window="1h"} < 0.989 and'));
    const mutated = await promtool(['test', 'rules', 'availability.yaml'], join(dir, 'tests'));
    expect(mutated.code).not.toBe(0);
    expect(mutated.out).toMatch(/FAILED[\s\S]*alertname: SLOAvailabilityCritical/);
    // The unmutated copy passes, so the failure is the mutation's.
    await writeFile(file, text);
    const clean = await promtool(['test', 'rules', 'availability.yaml'], join(dir, 'tests'));
    expect(clean.code, clean.out).toBe(0);
  });
});
