import { describe, expect, it } from 'vitest';
import { runAgentSlo, runAgentSloAsync } from '../harness/cli.js';

/** [fixture, field path, line, start of the message]. Line 0 = a whole-file problem. */
const CASES: [string, string, number, string][] = [
  ["bad-duration-for", "objectives[0].critical.for", 16, "\"5 minutes\" is not a duration"],
  ["bad-duration-window", "defaults.windows.alert", 7, "\"1day\" is not a duration"],
  ["bad-indentation", "", 13, "is not valid YAML: Sequence item without"],
  ["bad-objective-name", "objectives[0].name", 11, "the string \"Success Rate\" must be lower_"],
  ["bad-profile-name", "metadata.name", 4, "the string \"Minimal_Profile\" must be low"],
  ["bad-unit", "objectives[0].unit", 13, "the string \"percent\" is not allowed"],
  ["binary-junk", "", 0, "is not a text file (binary content)"],
  ["broken-promql", "objectives[0].sli.ratio.good.promql", 19, "is not valid PromQL: syntax error at cha"],
  ["burn-window-too-long", "objectives[0].errorBudget.burnRateAlerts[0].within", 25, "30d is longer than the budget window 7d"],
  ["comment-only", "", 0, "contains no YAML document (only comments"],
  ["critical-above-target-higher", "objectives[0].critical.threshold", 15, "critical threshold 0.999 is better than "],
  ["critical-below-target-lower", "objectives[0].critical.threshold", 15, "critical threshold 0.005 is better than "],
  ["dashboard-path-outside", "dashboards.extraPaths[0]", 23, "the string \"../outside/escape.json\" must"],
  ["duplicate-objective", "objectives[1].name", 22, "duplicate objective name \"success\" (firs"],
  ["duplicate-yaml-key", "", 6, "is not valid YAML: Map keys must be uniq"],
  ["empty", "", 0, "is empty"],
  ["good-and-bad", "objectives[0].sli.ratio", 19, "give good or bad, not both"],
  ["histogram-budget-without-allowed", "objectives[0].errorBudget.allowed", 21, "a histogram SLI needs the fraction of ev"],
  ["list-document", "", 1, "must be a mapping, got a list"],
  ["missing-api-version", "apiVersion", 1, "is required but missing"],
  ["missing-channel", "objectives[0].channel", 10, "no notification channel"],
  ["missing-critical", "objectives[0].critical", 11, "is required but missing"],
  ["missing-owner", "objectives[0].owner", 10, "no owner: alerts would reach nobody"],
  ["missing-runbook", "objectives[0].runbook", 11, "no runbook: every alert links one"],
  ["misspelled-direction", "objectives[0].direction", 12, "the string \"higher_is_beter\" is not allo"],
  ["no-sli-kind", "objectives[0].sli", 17, "has no SLI kind"],
  ["not-yaml", "", 3, "is not valid YAML: Flow sequence in bloc"],
  ["objectives-empty", "objectives", 10, "has 0 entries"],
  ["objectives-not-list", "objectives", 11, "expected list, got a mapping"],
  ["promql-without-window", "objectives[0].sli.ratio.good.promql", 19, "PromQL does not use {{window}}, so it wo"],
  ["quantile-out-of-range", "objectives[0].sli.quantile.quantile", 20, "number 95 is out of range"],
  ["quantile-unit-mismatch", "objectives[0].unit", 13, "unit ms cannot be compared with a histog"],
  ["ratio-out-of-range", "objectives[0].target", 14, "99.5 is not a ratio"],
  ["scalar-document", "", 1, "must be a mapping, got the string \"just "],
  ["target-not-number", "objectives[0].target", 14, "expected number, got the string \"high\""],
  ["two-documents", "", 0, "contains 2 YAML documents"],
  ["two-sli-kinds", "objectives[0].sli", 18, "has 2 SLI kinds (ratio, average)"],
  ["unknown-objective-field", "objectives[0].treshold", 14, "unknown field \"treshold\""],
  ["unknown-signal", "objectives[0].sli.ratio.good.signal", 19, "the string \"task_succeeded\" is not allow"],
  ["unknown-top-field", "extras", 22, "unknown field \"extras\""],
  ["warning-above-critical-lower", "objectives[0].warning.threshold", 15, "warning threshold 0.2 does not lie betwe"],
  ["warning-above-target-higher", "objectives[0].warning.threshold", 15, "warning threshold 0.995 is better than t"],
  ["warning-below-critical-higher", "objectives[0].warning.threshold", 15, "warning threshold 0.94 does not lie betw"],
  ["windows-out-of-order", "defaults.windows.alert", 7, "alert window 30d is longer than the gate"],
  ["wrong-api-version", "apiVersion", 1, "unsupported apiVersion the string \"agent"],
  ["wrong-kind", "kind", 2, "the string \"Profile\" is not allowed"],
];

describe('broken specs through the real CLI', () => {
  it('has a corpus of at least 30 broken specs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.concurrent.each(CASES)('%s → exit 65 at %s line %i', async (fixture, path, line, message) => {
    const file = `test/fixtures/specs/broken/${fixture}.yaml`;
    const r = await runAgentSloAsync(['validate', file]);
    expect(r.code).toBe(65);
    expect(r.stdout).toBe('');
    const where = line === 0 ? `${file}: ` : `${file}:${line}:`;
    const first = r.stderr.split('\n').find((l) => l.includes(file) && !l.startsWith('FAIL'));
    expect(first, r.stderr).toBeDefined();
    expect(first).toContain(where);
    if (path !== '') expect(first).toContain(` ${path}: ${message}`);
    else expect(first).toContain(message);
    // Every problem says how to fix it, and no stack trace leaks.
    expect(r.stderr).toMatch(/\n\s+fix: /);
    expect(r.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
    expect(r.stderr).not.toContain('internal error');
  });

  it('reports every problem of a file at once, not only the first', () => {
    const r = runAgentSlo(['validate', 'test/fixtures/specs/broken/ratio-out-of-range.yaml']);
    expect(r.code).toBe(65);
    // target, warning and critical are all out of range
    expect(r.stderr).toContain('3 problems');
    expect(r.stderr.match(/is not a ratio/g)).toHaveLength(3);
  });

  it('checks several files and fails when any is broken', () => {
    const r = runAgentSlo(['validate', 'test/fixtures/specs/valid/minimal.yaml', 'test/fixtures/specs/broken/empty.yaml']);
    expect(r.code).toBe(65);
    expect(r.stdout).toContain('ok   test/fixtures/specs/valid/minimal.yaml');
    expect(r.stderr).toContain('FAIL test/fixtures/specs/broken/empty.yaml');
  });

  it('names a missing file (exit 66, apart from an invalid spec)', () => {
    const r = runAgentSlo(['validate', 'no/such/spec.yaml']);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('no/such/spec.yaml: does not exist');
  });
});

describe('CLI basics', () => {
  it('validate with no arguments checks the shipped profiles', () => {
    const r = runAgentSlo(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('profiles/runtime-v1.yaml: profile runtime-v1, 5 objectives');
    expect(r.stdout).toContain('profiles/kokino.yaml: profile kokino, 5 objectives');
  });

  it('--help lists exit codes and --version prints the package version', () => {
    const help = runAgentSlo(['--help']);
    expect(help.code).toBe(0);
    for (const code of ['0 ', '1 ', '2 ', '3 ', '64', '65', '66']) expect(help.stdout).toContain(`  ${code}`);
    const version = runAgentSlo(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('unknown commands and options are usage errors (64)', () => {
    expect(runAgentSlo(['frobnicate']).code).toBe(64);
    expect(runAgentSlo(['validate', '--no-such-flag']).code).toBe(64);
    const r = runAgentSlo(['validate', '--profile', 'nope']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('unknown profile "nope"');
  });
});
