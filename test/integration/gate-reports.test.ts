/**
 * One gate evaluation, several reports: --report FORMAT=FILE writes every format from the same evaluation with one
 * audit record, and bad targets are refused before anything is evaluated or audited. Against a real (empty)
 * Prometheus: the verdict is "cannot evaluate", which every format reports.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseJunit } from 'junit2json';
import type { GateReport } from '../../src/gate/report/model.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { runAgentSloAsync } from '../harness/cli.js';
import { prometheusBinary } from '../harness/stack.js';

let work: string;
let prom: RunningPrometheus;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-gate-reports-'));
  prom = await startPrometheus({ binary: prometheusBinary() });
});
afterAll(async () => {
  await prom?.stop();
  await rm(work, { recursive: true, force: true });
});

const gate = (audit: string, extra: string[]): ReturnType<typeof runAgentSloAsync> =>
  runAgentSloAsync(['gate', '-p', 'runtime-v1', '--prometheus-url', prom.url, '--at', '1750000000', '--retries', '0', '--audit-log', audit, ...extra], { cwd: work });

const evaluations = async (audit: string): Promise<string[]> => (await readFile(audit, 'utf8')).split('\n').filter((l) => l.includes('"type":"evaluation"'));

describe('gate --report', () => {
  it('writes markdown, junit and json (stdout) from one evaluation and one audit record', async () => {
    const audit = join(work, 'one.jsonl');
    const r = await gate(audit, ['--report', 'markdown=summary.md', '--report', 'junit=junit.xml', '--report', 'json=-']);
    expect(r.code, r.stderr).toBe(3);
    const json = JSON.parse(r.stdout) as GateReport;
    expect(json.verdict).toBe('cannot_evaluate');
    const [record] = await evaluations(audit);
    expect(await evaluations(audit)).toHaveLength(1);
    expect(record).toContain(json.audit.recordId);
    const markdown = await readFile(join(work, 'summary.md'), 'utf8');
    expect(markdown).toContain('SLO release gate: CANNOT EVALUATE');
    expect(markdown).toContain(`Audit record \`${json.audit.recordId}\``);
    const junit = (await parseJunit(await readFile(join(work, 'junit.xml'), 'utf8'))) as { errors?: number };
    expect(junit.errors).toBeGreaterThan(0);
  });

  it('with every report in a file, stdout gets one verdict line naming them', async () => {
    const audit = join(work, 'files.jsonl');
    const r = await gate(audit, ['--report', 'text=gate.txt', '-o', 'gate.json', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stdout.trim()).toBe('gate runtime-v1: CANNOT EVALUATE (exit 3); text report in gate.txt, json report in gate.json');
    expect(await readFile(join(work, 'gate.txt'), 'utf8')).toContain('Verdict: CANNOT EVALUATE');
    expect(await evaluations(audit)).toHaveLength(1);
  });

  it.each([
    [['--report', 'markdown=no/such/dir/summary.md'], 'directory no/such/dir does not exist'],
    [['--report', 'json=-', '--report', 'text=-'], 'only one report can go to stdout'],
    [['--report', 'html=x.html'], 'FORMAT one of text, json, markdown, junit'],
    [['--report', 'json=a.json', '--report', 'junit=./a.json'], 'two reports would be written to ./a.json'],
    [['--report', 'json=a.json', '--format', 'markdown'], 'write --report markdown=-'],
  ])('%j is a usage error before any evaluation (no audit record)', async (extra, message) => {
    const audit = join(work, `refused-${message.length}.jsonl`);
    const r = await gate(audit, extra);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
    expect(existsSync(audit)).toBe(false);
  });
});
