/**
 * validate ⇒ loadable: every spec `validate` accepts generates rules `promtool check rules` loads, an Alertmanager
 * config `amtool check-config` accepts and promtool unit tests that pass; specs that would not load are refused with
 * the field and the bound. A seeded property test runs hundreds of random valid specs (metacharacters everywhere)
 * through the real tools, batched into few invocations per tool.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { seededRandom } from '../../src/backfill/scenario.js';
import { generateProfileFiles } from '../../src/generate/all.js';
import { alertmanagerPaths } from '../../src/generate/alertmanager/config.js';
import { goTemplateLiteral } from '../../src/escape.js';
import { ruleFilePath } from '../../src/generate/prometheus/rules.js';
import { testFilePath } from '../../src/generate/prometheus/promtool-tests.js';
import { SpecError } from '../../src/profile/errors.js';
import { loadProfileFromTexts } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';
import { runPromtool } from '../harness/promtool.js';
import { randomSpec } from '../harness/random-spec.js';

/** [fixture, field path, start of the message]: specs that used to validate and then break Prometheus or the gate. */
const REFUSED: [string, string, string][] = [
  ['window-too-long', 'defaults.windows.gate', '99999999999999999999999y is longer than 365d, the maximum for a window'],
  ['window-too-short', 'defaults.windows.alert', '1ms is shorter than 1m, the minimum for a window'],
  ['for-too-long', 'objectives[0].critical.for', '100000000h is longer than 365d, the maximum for an alert `for`'],
  ['burn-window-zero', 'objectives[0].errorBudget.burnRateAlerts[0].shortWindow', '0s is shorter than 1m, the minimum for a window'],
  ['burn-window-1ms', 'objectives[0].errorBudget.burnRateAlerts[0].within', '1ms is shorter than 1m, the minimum for a window'],
  ['repeat-interval-zero', 'notifications.repeatInterval', "0s is shorter than 1m, the minimum for Alertmanager's repeat_interval"],
  ['consecutive-warnings-too-many', 'gate.approvalAfterConsecutiveWarnings', '100000000 is more than 50, the maximum'],
  ['consecutive-windows-too-long', 'gate.approvalAfterConsecutiveWarnings', '41 consecutive alert windows of success span 1230d, longer than 365d'],
  ['window-in-comment', 'objectives[0].sli.ratio.good.promql', '{{window}} at character 57 is not the range of a range selector'],
  ['window-outside-range', 'objectives[0].sli.ratio.good.promql', '{{window}} at character 37 is not the range of a range selector'],
  ['le-matcher', 'objectives[0].sli.ratio.good.matchers.le', 'a matcher on le can never match'],
  ['line-separator-in-title', 'objectives[0].title', 'contains U+2028, a line break to Prometheus and Alertmanager'],
  ['contradicting-matcher', 'objectives[0].sli.ratio.good.matchers.agent_task_outcome', 'agent_task_outcome="failure" can never match'],
];

describe('validate refuses specs that would not load', () => {
  it.each(REFUSED)('%s → %s', async (fixture, path, message) => {
    const file = `test/fixtures/specs/broken/${fixture}.yaml`;
    const text = await readFile(file, 'utf8');
    let error: unknown;
    try {
      loadProfileFromTexts([{ file, text }]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecError);
    const issue = (error as SpecError).issues.find((i) => i.path === path);
    expect(issue, JSON.stringify((error as SpecError).issues)).toBeDefined();
    expect(issue!.message.startsWith(message), issue!.message).toBe(true);
    expect(issue!.hint).toBeTruthy();
    expect(issue!.line).toBeGreaterThan(0);
  });
});

const SPECS = 220;
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

/** The random specs, generated once into a temp tree: every file `generate` writes for each of them. */
async function generateRandomSpecs(): Promise<{ root: string; profiles: Profile[] }> {
  const r = seededRandom(20261203);
  const root = await mkdtemp(join(tmpdir(), 'agent-slo-loadable-'));
  temps.push(root);
  const profiles: Profile[] = [];
  for (let i = 0; i < SPECS; i++) {
    const text = stringify(randomSpec(r, i));
    try {
      profiles.push(loadProfileFromTexts([{ file: `random-${String(i)}.yaml`, text }]));
    } catch (err) {
      throw new Error(`random spec ${String(i)} does not validate (fix the spec generator):\n${err instanceof SpecError ? err.message : String(err)}\n${text}`);
    }
  }
  for (const profile of profiles) {
    for (const f of generateProfileFiles({ profile, specPath: `specs/${profile.name}.yaml` })) {
      const target = join(root, f.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, f.content);
    }
  }
  return { root, profiles };
}

/**
 * `promtool test rules` over `files` in `batches` processes at once (the tests are CPU-bound); the files that did not
 * pass, each with the start of its output (stdout and stderr in one stream, so failures stay with their file).
 */
async function promtoolTests(root: string, files: readonly string[], batches: number): Promise<{ passed: number; failed: { file: string; out: string }[] }> {
  const parts = Array.from({ length: batches }, (_, b) => files.filter((_f, i) => i % batches === b));
  const outs = await Promise.all(parts.map((part) => runPromtool(['test', 'rules', ...part], root, 'promtool', true)));
  let passed = 0;
  const failed: { file: string; out: string }[] = [];
  for (const { out, killed } of outs) {
    if (killed !== undefined) throw new Error(killed);
    for (const block of out.split(/^(?=Unit Testing: )/m).filter((b) => b.startsWith('Unit Testing: '))) {
      const file = /^Unit Testing:\s+(\S+)/.exec(block)![1]!;
      if (/^\s+SUCCESS\s*$/m.test(block) && !block.includes('FAILED')) passed++;
      else failed.push({ file, out: block.slice(0, 3000) });
    }
  }
  return { passed, failed };
}

describe('validate ⇒ loadable (seeded property test with promtool and amtool)', () => {
  let tree: { root: string; profiles: Profile[] };
  beforeAll(async () => {
    tree = await generateRandomSpecs();
  }, 120_000);

  it(`${String(SPECS)} random valid specs generate rules promtool loads and Alertmanager configs amtool accepts`, { timeout: 120_000 }, async () => {
    const { root, profiles } = tree;
    const ruleFiles = profiles.map((p) => ruleFilePath(p.name));
    const amConfigs = profiles.map((p) => alertmanagerPaths(p.name).config);
    let escaped = 0;
    for (const f of ruleFiles) if ((await readFile(join(root, f), 'utf8')).includes(goTemplateLiteral('{'))) escaped++;
    // The escaping is exercised, not avoided: many specs put `{{` where Prometheus expands templates.
    expect(escaped).toBeGreaterThan(SPECS / 4);
    const [check, am] = await Promise.all([runPromtool(['check', 'rules', ...ruleFiles], root), runPromtool(['check-config', ...amConfigs], root, 'amtool')]);
    expect(check.out.match(/SUCCESS: \d+ rules found/g)?.length, check.out.slice(0, 4000)).toBe(ruleFiles.length);
    expect(check.code).toBe(0);
    expect(am.out.match(/^ {2}SUCCESS$/gm)?.length, am.out.slice(0, 4000)).toBe(amConfigs.length);
    expect(am.code).toBe(0);
  });

  it(`the promtool tests generated for the ${String(SPECS)} random specs pass`, { timeout: 900_000 }, async () => {
    const { root, profiles } = tree;
    const files: string[] = [];
    let simulated = 0;
    for (const p of profiles) {
      for (const o of p.objectives) {
        const file = testFilePath(p.name, o.name);
        files.push(file);
        if (!(await readFile(join(root, file), 'utf8')).includes('tests: []')) simulated++;
      }
    }
    // Most objectives read spec-defined series, so their tests simulate traffic (user PromQL cannot be simulated).
    expect(simulated).toBeGreaterThan(files.length * 0.7);
    const { passed, failed } = await promtoolTests(root, files, 2);
    expect(failed.map((f) => `${f.file}:\n${f.out}`).join('\n').slice(0, 20_000), `${String(failed.length)} of ${String(files.length)} generated test files fail`).toBe('');
    expect(passed).toBe(files.length);
  });
});
