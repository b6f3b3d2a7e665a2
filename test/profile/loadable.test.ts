/**
 * validate ⇒ loadable: every spec `validate` accepts generates rules `promtool check rules` loads, an Alertmanager
 * config `amtool check-config` accepts and promtool unit tests that pass; specs that would not load are refused with
 * the field and the bound. A seeded property test runs hundreds of random valid specs (metacharacters everywhere)
 * through the real tools, batched into few invocations per tool, with every Prometheus major's promtool: 2.42 in the
 * main vitest project, 3.x in go-built (vitest.config.ts EVERY_PROMETHEUS).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { alertmanagerPaths } from '../../src/generate/alertmanager/config.js';
import { goTemplateLiteral } from '../../src/escape.js';
import { ruleFilePath } from '../../src/generate/prometheus/rules.js';
import { SpecError } from '../../src/profile/errors.js';
import { loadProfileFromTexts } from '../../src/profile/load.js';
import { prometheusServers } from '../harness/prometheus-servers.js';
import { promtoolTestRules, runPromtool } from '../harness/promtool.js';
import { type RandomSpecTree, writeRandomSpecTree } from '../harness/random-spec-tree.js';

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

const SPECS = 220;
const servers = await prometheusServers('validate ⇒ loadable (promtool)');
/** The refusals and amtool do not depend on the Prometheus version: they run once, in the main project. */
const main = inject('prometheusMajors').includes(2);

describe.skipIf(!main)('validate refuses specs that would not load', () => {
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

let tree: RandomSpecTree | undefined;
beforeAll(async () => {
  tree = await writeRandomSpecTree(SPECS);
}, 120_000);
afterAll(async () => {
  if (tree !== undefined) await rm(tree.root, { recursive: true, force: true });
});

describe.skipIf(!main)('validate ⇒ loadable: amtool', () => {
  it(`${String(SPECS)} random valid specs generate Alertmanager configs amtool accepts`, { timeout: 120_000 }, async () => {
    const amConfigs = tree!.profiles.map((p) => alertmanagerPaths(p.name).config);
    const am = await runPromtool(['check-config', ...amConfigs], tree!.root, 'amtool');
    expect(am.out.match(/^ {2}SUCCESS$/gm)?.length, am.out.slice(0, 4000)).toBe(amConfigs.length);
    expect(am.code).toBe(0);
  });
});

describe.each(servers)('validate ⇒ loadable (seeded property test) with $label', (server) => {
  it(`${String(SPECS)} random valid specs generate rules promtool loads`, { timeout: 120_000 }, async () => {
    const { root, profiles } = tree!;
    const ruleFiles = profiles.map((p) => ruleFilePath(p.name));
    let escaped = 0;
    for (const f of ruleFiles) if ((await readFile(join(root, f), 'utf8')).includes(goTemplateLiteral('{'))) escaped++;
    // The escaping is exercised, not avoided: many specs put `{{` where Prometheus expands templates.
    expect(escaped).toBeGreaterThan(SPECS / 4);
    const check = await runPromtool(['check', 'rules', ...ruleFiles], root, server.promtool);
    expect(check.out.match(/SUCCESS: \d+ rules found/g)?.length, check.out.slice(0, 4000)).toBe(ruleFiles.length);
    expect(check.code).toBe(0);
  });

  it(`the promtool tests generated for the ${String(SPECS)} random specs pass`, { timeout: 900_000 }, async () => {
    const { root, testFiles } = tree!;
    let simulated = 0;
    for (const file of testFiles) if (!(await readFile(join(root, file), 'utf8')).includes('tests: []')) simulated++;
    // Most objectives read spec-defined series, so their tests simulate traffic (user PromQL cannot be simulated).
    expect(simulated).toBeGreaterThan(testFiles.length * 0.7);
    const { passed, failed } = await promtoolTestRules(root, testFiles, server.promtool);
    expect(failed.map((f) => `${f.file}:\n${f.out}`).join('\n').slice(0, 20_000), `${String(failed.length)} of ${String(testFiles.length)} generated test files fail`).toBe('');
    expect(passed).toBe(testFiles.length);
  });
});
