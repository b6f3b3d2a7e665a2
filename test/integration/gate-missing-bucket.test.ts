/**
 * A quantile objective whose threshold has no histogram bucket, against a real Prometheus: kokino's healthy history
 * with the execution-duration histogram recorded without its le="30" bucket (latency_p95's target). The gate cannot
 * evaluate latency_p95, naming the missing bucket, in the SLI windows and in the error budget; the budget is never
 * counted as all bad (bad = total − good with good missing would be 1000% consumed: a freeze).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks } from '../../src/backfill/blocks.js';
import { writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import type { GateReport } from '../../src/gate/report/model.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { families, type ScenarioHistory, SIG } from '../gate/scenario-data.js';
import { kokinoScenario, scenarioAt, scenarioEnd } from '../gate/scenarios.js';
import { runCliInProcess } from '../harness/cli.js';

const END = scenarioEnd();
const AT = scenarioAt(END);
const SCENARIO = 'k-nobucket';

/** k-healthy under another scenario label, the execution-duration histogram without its bucket at 30 s. */
function withoutBucket(): ScenarioHistory {
  const h = kokinoScenario('k-healthy', END);
  const series = h.series.map((s) => {
    const labels = { ...s.labels, scenario: SCENARIO };
    if (s.kind !== 'histogram' || s.metric !== SIG.histogram.execution_duration.metric) return { ...s, labels };
    const keep = s.bounds.map((b, i) => [b, i] as const).filter(([b]) => b !== 30);
    return { ...s, labels, bounds: keep.map(([b]) => b), perStep: s.perStep.map((p) => ({ ...p, le: keep.map(([, i]) => p.le[i] ?? 0) })) };
  });
  return { ...h, name: SCENARIO, series };
}

describe('a quantile threshold without a histogram bucket (Prometheus 2.42)', () => {
  let work: string;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'agent-slo-nobucket-'));
    await createBlocks({ openMetrics: writeOpenMetrics(families([withoutBucket()])), dataDir: join(work, 'tsdb') });
    prom = await startPrometheus({ dataDir: join(work, 'tsdb') });
  }, 300_000);

  afterAll(async () => {
    await prom?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('the gate cannot evaluate it, naming the missing bucket, and the budget is not counted as all bad', async () => {
    const run = await runCliInProcess([
      'gate', '--profile', 'kokino', '--prometheus-url', prom.url, '--selector', `scenario=${SCENARIO}`, '--at', String(AT),
      '--format', 'json', '--audit-log', join(work, 'audit.jsonl'),
    ]);
    const report = JSON.parse(run.out) as GateReport;
    expect(run.code, run.err).toBe(3);
    const latency = report.objectives.find((o) => o.name === 'latency_p95')!;
    expect(latency.status).toBe('cannot_evaluate');
    const gate = latency.checks.find((c) => c.check === 'gate')!;
    expect(gate.status).toBe('cannot_evaluate');
    expect(gate.reason).toMatch(/missing histogram bucket: \S+_bucket has no bucket at the threshold 30 s \(le="30"\)/);
    const budget = latency.checks.find((c) => c.check === 'budget')!;
    expect(budget.status).toBe('cannot_evaluate');
    expect(budget.reason).toMatch(/^cannot evaluate the 30d error budget: missing histogram bucket: .* \(le="30"\)/);
    expect(budget.consumed ?? null).toBeNull();
    // The other objectives read the same history and pass: only the objective with the missing bucket is unknowable.
    for (const o of report.objectives.filter((x) => x.name !== 'latency_p95')) expect(o.status, o.name).toBe('pass');
  });
});
