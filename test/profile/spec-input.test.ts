import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgentSlo, runAgentSloAsync } from '../harness/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-slo-spec-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 65 with a one-line reason naming the file, a fix, and no stack trace. */
function expectRefused(r: { code: number; stderr: string }, file: string, reason: string): void {
  expect(r.code, r.stderr).toBe(65);
  expect(r.stderr).toContain(`${file}: ${reason}`);
  expect(r.stderr).toMatch(/\n\s+fix: /);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.stderr).not.toContain('internal error');
}

describe('hostile spec inputs end with exit 65 and a message, never a hang or a stack trace', () => {
  it.concurrent.each([
    ['/dev/zero', 'is a device, not a spec file'],
    ['/dev/urandom', 'is a device, not a spec file'],
    ['test/fixtures', 'is a directory, not a spec file'],
  ])('%s', async (file, reason) => {
    expectRefused(await runAgentSloAsync(['validate', file], { timeoutMs: 20_000 }), file, reason);
  });

  it('a FIFO nobody writes to is refused without blocking on open', async () => {
    const fifo = join(dir, 'spec.fifo');
    execFileSync('mkfifo', [fifo]);
    expectRefused(await runAgentSloAsync(['validate', fifo], { timeoutMs: 20_000 }), fifo, 'is a FIFO (named pipe), not a spec file');
  });

  it('a file over the size cap is refused before parsing (also through stdin)', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `description: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    expectRefused(await runAgentSloAsync(['validate', big]), big, 'is larger than 1 MiB');
    expectRefused(runAgentSlo(['validate', '-'], { input: readFileSync(big) }), '<stdin>', 'is larger than 1 MiB');
  });

  it('a YAML alias bomb is refused', () => {
    const file = 'test/fixtures/specs/hostile/alias-bomb.yaml';
    expectRefused(runAgentSlo(['validate', file]), file, 'expands YAML aliases too far');
  });

  it('deeply nested flow collections are refused before the parser recurses', () => {
    const file = join(dir, 'deep.yaml');
    writeFileSync(file, `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);
    expectRefused(runAgentSlo(['validate', file]), file, 'nests [ ] or { } 200000 levels deep');
  });
});

describe('validate: inputs, one pass, counts', () => {
  it('- reads the spec from stdin', () => {
    const r = runAgentSlo(['validate', '-'], { input: readFileSync('profiles/kokino.yaml') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ok   <stdin>: profile kokino, 5 objectives\n');
  });

  it('a missing file exits 66, an invalid spec 65, both together 66', () => {
    const missing = runAgentSlo(['validate', 'no/such.yaml']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toContain('agent-slo: 1 unreadable spec file (1 problem)');
    expect(runAgentSlo(['validate', 'test/fixtures/specs/broken/empty.yaml']).code).toBe(65);
    expect(runAgentSlo(['validate', 'test/fixtures/specs/broken/empty.yaml', 'no/such.yaml']).code).toBe(66);
  });

  it('reports shape problems and the problems of the well-formed rest in one run', () => {
    const file = 'test/fixtures/specs/one-pass/shape-and-meaning.yaml';
    const r = runAgentSlo(['validate', file]);
    expect(r.code).toBe(65);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith(`  ${file}:`)).map((l) => l.slice(file.length + 3));
    expect(problems.map((p) => p.replace(/^\d+:\d+: /, '').replace(/:.*$/, ''))).toEqual([
      'metadata.colour',
      'objectives[1].target',
      'objectives[1].sli.quantile.histogram.signal',
      'objectives[2].sli.average.histogram.signal',
      // Found by the semantic checks, which ran on the well-formed part.
      'defaults.windows.alert',
      'objectives[0].target',
      'objectives[0].owner',
      // objectives[1] has a broken required field (target); its other problems hold whatever the target will be.
      'objectives[1].owner',
      'objectives[1].runbook',
      'objectives[2].critical.threshold',
      'objectives[2].unit',
      'objectives[2].owner',
    ]);
    expect(r.stderr).toContain(`FAIL ${file}: 12 problems`);
  });

  it('a broken required field of an objective does not hide its other problems, and adds none that depend on it', () => {
    const file = 'test/fixtures/specs/one-pass/broken-required-field.yaml';
    const r = runAgentSlo(['validate', file]);
    expect(r.code).toBe(65);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith(`  ${file}:`)).map((l) => l.slice(file.length + 3).replace(/^\d+:\d+: /, ''));
    expect(problems).toEqual([
      'objectives[0].direction: the string "sideways" is not allowed',
      'objectives[1].target: is required but missing',
      // Semantic problems of the same objectives that hold for every direction and every target.
      'objectives[0].escalation.after: "1x" is not a duration',
      'objectives[0].critical.threshold: 1.5 is not a ratio',
      'objectives[0].windows.alert: alert window 7d is longer than the gate window 1d',
      'objectives[1].unit: unit s cannot be compared with a histogram recorded in By',
    ]);
    // Threshold order depends on the direction: not reported until the direction is known.
    expect(r.stderr).not.toMatch(/better than the target|does not lie between/);
    expect(r.stderr).toContain(`FAIL ${file}: 6 problems`);
  });

  it('an SLI without a kind is one problem: no problems about a stand-in SLI nobody wrote', () => {
    const file = 'test/fixtures/specs/broken/no-sli-kind.yaml';
    const r = runAgentSlo(['validate', file]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('objectives[0].sli: has no SLI kind');
    expect(r.stderr).not.toMatch(/zero-tolerance|zero tolerance|does not use \{\{window\}\}/);
    expect(r.stderr).toContain(`FAIL ${file}: 1 problem\n`);
  });

  it('one bad default inherited by every objective is one problem, counted in the singular', () => {
    const file = 'test/fixtures/specs/one-pass/inherited-default.yaml';
    const r = runAgentSlo(['validate', file]);
    expect(r.code).toBe(65);
    expect(r.stderr.match(/"1day" is not a duration/g)).toHaveLength(1);
    expect(r.stderr).toContain(`FAIL ${file}: 1 problem\n`);
    expect(r.stderr).toContain('agent-slo: 1 invalid spec file (1 problem)');
  });
});
