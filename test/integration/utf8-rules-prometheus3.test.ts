/**
 * Rules generated for UTF-8 metric names (`metricNames: utf8` / `utf8-unit-suffixes`, `prometheusVersion: 3`) are
 * checked with the promtool matching the spec's target (test/harness/promtool.ts promtoolFor: Prometheus 3's):
 * `promtool check rules` accepts them and every generated `promtool test rules` suite passes, its input series
 * written with quoted names. Debian's promtool 2.42 refuses the same rules, which is why validate refuses utf8
 * names on Prometheus 2. One profile per mode: runtime-v1 in utf8, kokino in utf8-unit-suffixes.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricNaming } from '../../src/conventions.js';
import { loadProfile } from '../../src/profile/load.js';
import { repoRoot } from '../harness/binaries.js';
import { runCliInProcess } from '../harness/cli.js';
import { promtoolFor, runPromtool } from '../harness/promtool.js';

const promtool3 = await promtoolFor(3);
if (promtool3.missingReason !== undefined) console.warn(`[skipped] UTF-8 rules under promtool 3: ${promtool3.missingReason}`);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-utf8-rules-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const CASES: readonly { profile: string; mode: MetricNaming; quoted: string }[] = [
  { profile: 'runtime-v1', mode: 'utf8', quoted: '{"gen_ai.execute_tool.duration_count","error.type"=""}' },
  { profile: 'kokino', mode: 'utf8-unit-suffixes', quoted: '{"agent.execution.memory_bytes_bucket"' },
];

describe.skipIf(promtool3.missingReason !== undefined).each(CASES)('$profile with metricNames $mode', ({ profile, mode, quoted }) => {
  it('generated rules pass promtool check and every generated promtool test under the matching promtool (3.x); 2.42 refuses them', { timeout: 900_000 }, async () => {
    const shipped = await readFile(join(repoRoot(), 'profiles', `${profile}.yaml`), 'utf8');
    const spec = join(work, `${profile}.${mode}.yaml`);
    await writeFile(spec, `${shipped.replace('modelLabel: gen_ai_request_model', 'modelLabel: gen_ai.request.model').trimEnd()}\nmetricNames: ${mode}\nprometheusVersion: 3\n`);
    const loaded = await loadProfile(spec);
    expect(loaded.prometheusVersion).toBe(3);
    const out = join(work, `out-${mode}`);
    const gen = await runCliInProcess(['generate', '--spec', spec, '--out', out]);
    expect(gen.code, gen.err).toBe(0);
    const dir = join(out, 'rules', profile);
    expect(await readFile(join(dir, 'rules.yaml'), 'utf8')).toContain(quoted);

    const matching = (await promtoolFor(loaded.prometheusVersion)).path!;
    const check = await runPromtool(['check', 'rules', 'rules.yaml'], dir, matching);
    expect(check.code, check.out).toBe(0);
    expect(check.out).toMatch(/SUCCESS: \d+ rules found/);
    const tests = (await readdir(join(dir, 'tests'))).filter((f) => f.endsWith('.yaml')).sort();
    expect(tests.length).toBeGreaterThanOrEqual(5);
    const run = await runPromtool(['test', 'rules', ...tests], join(dir, 'tests'), matching);
    expect(run.code, run.out).toBe(0);
    expect(run.out.match(/SUCCESS/g)?.length).toBe(tests.length);

    const debian = (await promtoolFor(2)).path ?? 'promtool';
    const legacy = await runPromtool(['check', 'rules', 'rules.yaml'], dir, debian);
    expect(legacy.code).not.toBe(0);
    expect(legacy.out).toMatch(/unexpected string .* in label matching/);
  });
});
