/**
 * A quantile objective whose threshold has no histogram bucket, on real Prometheus 2.42 and promtool: kokino's
 * latency_p95 (target 30 s) with the execution-duration histogram recorded without its le="30" bucket. The gate
 * cannot evaluate latency_p95, naming the missing bucket, in the SLI windows and in the error budget; serve/review's
 * observation says the same; neither they nor the generated budget rules count the events as all bad (bad = total − good with good missing would be 1000%
 * consumed: a freeze). The instrumentation's start-up error is tested in instrumentation/test/sdk.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks } from '../../src/backfill/blocks.js';
import { writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import { LABEL_OBJECTIVE, LABEL_THRESHOLD, RECORD_BUDGET_REMAINING, RECORD_BURN_RATE, RECORD_FRACTION_LE, promHistogram } from '../../src/conventions.js';
import { generateRuleFile } from '../../src/generate/prometheus/rules.js';
import { createPrometheusClient } from '../../src/prometheus/client.js';
import { clientQueryFn } from '../../src/serve/server.js';
import { observeProfile } from '../../src/sli/observe.js';
import { scopeFor } from '../../src/sli/queries.js';
import { loadProfile } from '../../src/profile/load.js';
import { renderSelector } from '../../src/promql/selector.js';
import type { GateReport } from '../../src/gate/report/model.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { families, type ScenarioHistory, SIG } from '../gate/scenario-data.js';
import { kokinoScenario, scenarioAt, scenarioEnd } from '../gate/scenarios.js';
import { runCliInProcess } from '../harness/cli.js';
import { runPromtool } from '../harness/promtool.js';

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

  it('serve and review observe the same: no data with the named reason for the SLI and the budget, not exhausted', async () => {
    const kokino = await loadProfile(new URL('../../profiles/kokino.yaml', import.meta.url).pathname);
    const query = clientQueryFn(createPrometheusClient({ url: prom.url }));
    const scope = { scope: (p: typeof kokino, o: (typeof kokino.objectives)[number]) => scopeFor(p, o, [{ label: 'scenario', op: '=', value: SCENARIO }]) };
    const observed = await observeProfile(query, kokino, AT, scope);
    const latency = observed.find((o) => o.objective.name === 'latency_p95')!;
    const named = { status: 'no_data', reason: expect.stringMatching(/^missing histogram bucket: \S+_bucket has no bucket at the threshold 30 s \(le="30"\)/) };
    expect(latency.windows.gate?.outcome).toMatchObject(named);
    expect(latency.budget?.outcome).toMatchObject(named);
    for (const b of latency.burnRates) expect(b.outcome, `burn rate over ${String(b.seconds)} s`).toMatchObject(named);
    // The average objective's budget reads its own bucket (500 MB), present: an ordinary consumed fraction.
    expect(observed.find((o) => o.objective.name === 'memory_per_execution')?.budget?.outcome.status).toBe('ok');
  });

  it('the generated budget rules record no burn rate and no budget remaining without the bucket (not all bad); with it they do', async () => {
    const kokino = await loadProfile(new URL('../../profiles/kokino.yaml', import.meta.url).pathname);
    const o = kokino.objectives.find((x) => x.name === 'latency_p95')!;
    if (o.sli.kind !== 'quantile') throw new Error('latency_p95 is a quantile objective');
    const h = o.sli.histogram;
    const names = promHistogram(h.metric);
    const labels = [...h.matchers.filter((m) => m.op === '='), ...kokino.selector.filter((m) => m.op === '=')];
    const series = (name: string, extra: { label: string; value: string }[] = []) => renderSelector(name, [...labels, ...extra.map((e) => ({ ...e, op: '=' as const }))]);
    // 100 executions a minute for 2 hours, 97 of them within 30 s, all within 60 s.
    const input = (withBucket: boolean) => [
      ...(withBucket ? [{ series: series(names.bucket, [{ label: 'le', value: '30' }]), values: '0+97x120' }] : []),
      { series: series(names.bucket, [{ label: 'le', value: '60' }]), values: '0+100x120' },
      { series: series(names.bucket, [{ label: 'le', value: '+Inf' }]), values: '0+100x120' },
      { series: series(names.count), values: '0+100x120' },
      { series: series(names.sum), values: '0+1000x120' },
    ];
    // The burn rates and budget of latency_p95, and its fraction at the 30 s threshold.
    const matchers: Record<string, string> = {
      [RECORD_BURN_RATE]: `${LABEL_OBJECTIVE}="latency_p95"`,
      [RECORD_BUDGET_REMAINING]: `${LABEL_OBJECTIVE}="latency_p95"`,
      [RECORD_FRACTION_LE]: `${LABEL_OBJECTIVE}="latency_p95",${LABEL_THRESHOLD}="30"`,
    };
    const rules = generateRuleFile(kokino, 'profiles/kokino.yaml');
    await writeFile(join(work, 'rules.yaml'), rules.content);
    const absent = (record: string, withBucket: boolean) => ({
      expr: `absent(${record}{${matchers[record] ?? ''}})`,
      eval_time: '2h',
      exp_samples: withBucket ? [] : [{ labels: `{${matchers[record] ?? ''}}`, value: 1 }],
    });
    const tests = [false, true].map((withBucket) => ({
      interval: '1m',
      input_series: input(withBucket),
      promql_expr_test: [absent(RECORD_BURN_RATE, withBucket), absent(RECORD_BUDGET_REMAINING, withBucket), absent(RECORD_FRACTION_LE, withBucket)],
    }));
    await writeFile(join(work, 'rules.test.yaml'), JSON.stringify({ rule_files: [join(work, 'rules.yaml')], evaluation_interval: '1m', tests }));
    const r = await runPromtool(['test', 'rules', join(work, 'rules.test.yaml')], work);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
  });
});
