/** `agent-slo import openslo` on hand-written OpenSLO v1 files: what maps, what is approximated, what is refused. */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadProfileFromTexts } from '../../src/profile/load.js';
import { runAgentSlo, runAgentSloAsync } from '../harness/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-slo-openslo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string): string => `test/fixtures/openslo/${name}.yaml`;

interface Imported {
  code: number;
  stderr: string;
  spec: { metadata: { name: string }; objectives: ImportedObjective[] };
}

/** The fields of an imported objective the tests read (plain YAML data). */
interface ImportedObjective {
  windows: Record<string, string>;
  sli: { ratio?: { good?: { promql: string }; bad?: { promql: string }; total: { promql: string } }; quantile?: unknown };
  errorBudget: { allowed?: number; burnRateAlerts?: unknown[] };
}

async function importFixture(name: string, extra: string[] = []): Promise<Imported> {
  const r = await runAgentSloAsync(['import', 'openslo', fixture(name), ...extra]);
  expect(r.code, r.stderr).toBe(0);
  // The imported spec loads and validates.
  const profile = loadProfileFromTexts([{ file: `${name}.imported.yaml`, text: r.stdout }]);
  expect(profile.objectives.length).toBeGreaterThan(0);
  return { code: r.code, stderr: r.stderr, spec: parse(r.stdout) as Imported['spec'] };
}

describe('agent-slo import openslo', () => {
  it('ratio good/total by indicatorRef, rolling 28d, Occurrences, AlertPolicy burnrate conditions (inline and by ref)', async () => {
    const { spec, stderr } = await importFixture('ratio-good-total-rolling', ['--owner', '@payments', '--channel', '#payments']);
    const [o] = spec.objectives;
    expect(o).toMatchObject({ name: 'checkout_availability', title: 'Checkout availability', direction: 'higher_is_better', unit: 'ratio', target: 0.999 });
    expect(o!.windows).toEqual({ alert: '1d', gate: '7d', target: '28d' });
    expect(o!.sli.ratio?.good?.promql).toBe('sum(increase(http_requests_total{service="checkout",code!~"5.."}[{{window}}]))');
    expect(o!.sli.ratio?.total.promql).toBe('sum(increase(http_requests_total{service="checkout"}[{{window}}]))');
    // burn rate 14.4 over 1h of a 28d budget = 2.1429% consumed; 1 over 3d = 10.71%.
    expect(o!.errorBudget.burnRateAlerts).toEqual([
      { name: 'fast_burn', consumed: 0.021429, within: '1h', severity: 'page' },
      { name: 'slow_burn', consumed: 0.107143, within: '3d', severity: 'ticket' },
    ]);
    expect(stderr).toContain('alertAfter 1h');
    expect(stderr).not.toContain('placeholders');
  });

  it('ratio bad/total over bare counters, calendar month, Timeslices: imported with notes', async () => {
    const { spec, stderr } = await importFixture('ratio-bad-total-calendar-timeslices');
    const [o] = spec.objectives;
    expect(o).toMatchObject({ direction: 'lower_is_better', unit: 'ratio', target: 0.005, critical: { threshold: 0.005 } });
    expect(o!.sli.ratio?.bad?.promql).toBe('sum(increase(search_requests_failed_total{env="prod"}[{{window}}]))');
    expect(o!.windows.target).toBe('30d');
    expect(stderr).toMatch(/note: SLO search-errors timeWindow: calendar window 1M from 2024-01-01 00:00:00 \(Europe\/Berlin\): agent-slo windows are rolling/);
    expect(stderr).toMatch(/note: SLO search-errors budgetingMethod: Timeslices: .*imported as Occurrences/);
    expect(stderr).toMatch(/timeSliceTarget 0\.95 per 5m: no equivalent/);
    expect(stderr).toMatch(/owner @search and channel #search-alerts are placeholders/);
  });

  it('threshold metric on a histogram quantile, RatioTimeslices, inline AlertPolicy → quantile SLI with a budget', async () => {
    const { spec, stderr } = await importFixture('threshold-latency-ratiotimeslices');
    const [o] = spec.objectives;
    expect(o).toMatchObject({ direction: 'lower_is_better', unit: 's', target: 0.3, critical: { threshold: 0.3 } });
    expect(o!.sli.quantile).toEqual({ histogram: { metric: 'http_request_duration_seconds', unit: 's', matchers: { service: 'api', route: '/v1/answer' } }, quantile: 0.95 });
    expect(o!.errorBudget).toEqual({ allowed: 0.05, burnRateAlerts: [{ name: 'latency_fast_burn', consumed: 0.214286, within: '6h', severity: 'critical' }] });
    expect(stderr).toMatch(/RatioTimeslices: .*imported as Occurrences/);
  });

  it('refuses what has no equivalent, naming every document and field in one run, and writes nothing', async () => {
    const out = join(dir, 'never.yaml');
    const r = await runAgentSloAsync(['import', 'openslo', fixture('unsupported-shapes'), '-o', out]);
    expect(r.code).toBe(65);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    for (const message of [
      'SLO raw-ratio objectives[0]: ratioMetric.raw (a precomputed ratio) has no equivalent',
      'SLO datadog-errors objectives[0] ratioMetric.good: metric source type Datadog',
      'AlertPolicy depth-policy condition depth-threshold: condition kind threshold',
      'SLO queue-depth objectives[0]: thresholdMetric "max(queue_depth)": only histogram_quantile',
    ]) {
      expect(r.stderr).toContain(message);
    }
    expect(r.stderr).toContain('agent-slo: cannot import test/fixtures/openslo/unsupported-shapes.yaml: 5 problems (nothing written)');
  });

  it('-o writes the spec, which validate accepts; stdin works; a missing file is 66', async () => {
    const out = join(dir, 'checkout.yaml');
    const r = await runAgentSloAsync(['import', 'openslo', fixture('ratio-good-total-rolling'), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`imported 1 objective from ${fixture('ratio-good-total-rolling')} → ${out}`);
    expect((await runAgentSloAsync(['validate', out])).code).toBe(0);
    const fromStdin = runAgentSlo(['import', 'openslo', '-'], { input: readFileSync(fixture('threshold-latency-ratiotimeslices')) });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toContain('# Imported from OpenSLO <stdin>');
    expect((await runAgentSloAsync(['import', 'openslo', 'no/such.yaml'])).code).toBe(66);
    expect((await runAgentSloAsync(['import', 'openslo'])).code).toBe(64);
  });
});
