/**
 * The project's count expression (src/promql/counter-increase.ts) over hand-made series with hand-worked expected
 * values: the independent model prometheusCount (src/backfill/scenario.ts), and promtool `promql_expr_test` with
 * every promtool users run (describe.each over test/harness/prometheus-servers.ts): Debian's 2.42 in the main vitest
 * project, 3.x built by collector-config/build-prometheus3.sh in the go-built project.
 *
 * Samples every minute; every evaluation is half a minute off the grid, so no sample lies on a window or lookback
 * boundary (Prometheus 2.x closed and 3.x left-open ranges select the same samples), and every expected value is
 * exact in binary floating point (promtool compares the printed values). Windows are 5m, so a series counts as
 * present at the window start when it has a sample within the 10 minutes before it (presenceLookbackSeconds);
 * otherwise its last sample within 25 h before the window is what it counts from (docs/counting.md).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Sample } from '../../src/backfill/openmetrics.js';
import { prometheusCount, prometheusIncrease } from '../../src/backfill/scenario.js';
import { counterIncrease } from '../../src/promql/counter-increase.js';
import { presenceLookbackSeconds } from '../../src/sli/queries.js';
import { prometheusServers } from '../harness/prometheus-servers.js';
import { runPromtool } from '../harness/promtool.js';

const MINUTES = 30;
/** Value at minute i, or undefined for no sample. */
const SERIES: Record<string, (i: number) => number | undefined> = {
  // Present all along: 10 per minute.
  present: (i) => 10 * i,
  // Born at minute 12 with 500 already counted (a failure series created during an outage: its first sample
  // carries every event of the outage), then 10 per minute.
  born: (i) => (i < 12 ? undefined : 500 + 10 * (i - 12)),
  // Present, with a counter reset after minute 10.
  reset: (i) => (i <= 10 ? 10 * i : 10 * (i - 11) + 5),
  // Present until minute 3, silent for 12 minutes (longer than the 10m presence lookback), back at minute 16 (60).
  returns: (i) => (i <= 3 ? 10 * i : i < 16 ? undefined : 10 * (i - 10)),
  // Present until minute 6, silent for 8 minutes (shorter than the presence lookback), back at minute 15 (150).
  pause: (i) => (i <= 6 || i >= 15 ? 10 * i : undefined),
};
const LOOKBACK = '10m';

function samples(name: string): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i <= MINUTES; i++) {
    const v = SERIES[name]!(i);
    if (v !== undefined) out.push([i * 60, v]);
  }
  return out;
}

function promtoolValues(name: string): string {
  const out: string[] = [];
  for (let i = 0; i <= MINUTES; i++) out.push(String(SERIES[name]!(i) ?? '_'));
  return out.join(' ');
}

/** Expected per-series counts over 5m at these instants (seconds), worked out by hand from Prometheus' extrapolation. */
const CASES: { at: number; expected: Record<string, number>; increase: Record<string, number> }[] = [
  {
    at: 14 * 60 + 30,
    // present: minutes 10..14, 100 → 140 is 40 over 240 s of samples, extrapolated 30 s each side: 50. born: no
    // sample in the 10 minutes before 9m30s → counted from zero: its last value 520 (increase() alone: 20 × 180/120
    // = 30). reset: 100, 5, 15, 25, 35 → 35 after the reset correction, × 300/240 = 43.75. returns and pause: no
    // sample in the window → no series.
    expected: { present: 50, born: 520, reset: 43.75 },
    increase: { present: 50, born: 30, reset: 43.75 },
  },
  {
    at: 18 * 60 + 30,
    // born has samples at 12 and 13 in the lookback before 13m30s → present → increase(): 40 × 300/240 = 50.
    // returns: no sample in [3m30s, 13m30s] → back after a gap: its last value minus its last sample before the
    // window (minute 3: 30), 80 − 30 = 50 — the silence's events once, not its lifetime (the old count: 80);
    // increase() alone: 20 × 180/120 = 30. pause: samples at 4..6 in the lookback → present →
    // increase() over 150..180: 30 over 180 s, 90 s to the window start (> 1.1 intervals: +30 s), +30 s at the end: 40.
    expected: { present: 50, born: 50, reset: 50, returns: 50, pause: 40 },
    increase: { present: 50, born: 50, reset: 50, returns: 30, pause: 40 },
  },
];

function at(seconds: number): string {
  return `${String(Math.floor(seconds / 60))}m${String(seconds % 60)}s`;
}

describe('counterIncrease: increase() for series present at the window start, back after a gap from the sample before it, born in the window from zero', () => {
  it('the independent model gives the hand-worked values', () => {
    expect(presenceLookbackSeconds(300)).toBe(600);
    for (const c of CASES) {
      for (const name of Object.keys(SERIES)) {
        expect(prometheusCount(samples(name), c.at, 300), `${name} at ${at(c.at)}`).toBe(c.expected[name]);
        expect(prometheusCount(samples(name), c.at, 300, { leftOpen: true }), `${name} at ${at(c.at)} (3.x)`).toBe(c.expected[name]);
        expect(prometheusIncrease(samples(name), c.at, 300), `increase ${name} at ${at(c.at)}`).toBe(c.increase[name]);
      }
    }
  });
});

const servers = await prometheusServers('counterIncrease evaluated by promtool');

describe.each(servers)('counterIncrease evaluated by promtool of $label', (server) => {
  const promtool = (): string => server.promtool;
  it(`is promtool ${String(server.major)}.x`, async () => {
    const r = await runPromtool(['--version'], process.cwd(), promtool());
    expect(r.out).toMatch(new RegExp(`promtool, version ${String(server.major)}\\.`));
  });

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-slo-count-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `promtool test rules` on one test group: the named SERIES as `c{s="<name>"}`, and the expression tests. */
  async function promtoolExprTest(name: string, series: readonly string[], exprTests: readonly object[]): Promise<{ code: number; out: string }> {
    const file = join(dir, `${name}.test.yaml`);
    const input_series = series.map((s) => ({ series: `c{s="${s}"}`, values: promtoolValues(s) }));
    await writeFile(file, stringify({ rule_files: [], evaluation_interval: '1m', tests: [{ interval: '1m', input_series, promql_expr_test: exprTests }] }));
    return runPromtool(['test', 'rules', file], dir, promtool());
  }

  it('Prometheus evaluates the expression to exactly those values, per series and summed', async () => {
    const exprTests = CASES.flatMap((c) => {
      const perSeries = (values: Record<string, number>) => Object.entries(values).map(([s, value]) => ({ labels: `{s="${s}"}`, value }));
      const sum = Object.values(c.expected).reduce((a, b) => a + b, 0);
      return [
        { expr: counterIncrease('c', '5m', LOOKBACK, ['s']), eval_time: at(c.at), exp_samples: perSeries(c.expected) },
        { expr: counterIncrease('c', '5m', LOOKBACK), eval_time: at(c.at), exp_samples: [{ labels: '{}', value: sum }] },
        { expr: counterIncrease('c{s="born"}', '5m', LOOKBACK), eval_time: at(c.at), exp_samples: [{ labels: '{}', value: c.expected.born }] },
        { expr: 'sum by (s) (increase(c[5m]))', eval_time: at(c.at), exp_samples: perSeries(c.increase) },
      ];
    });
    const r = await promtoolExprTest('count', Object.keys(SERIES), exprTests);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
  });

  it('a series with no sample in the window gives nothing, so a missing count stays missing (no data), not 0', async () => {
    const r = await promtoolExprTest('empty', ['returns'], [{ expr: counterIncrease('c', '5m', LOOKBACK), eval_time: at(CASES[0]!.at), exp_samples: [] }]);
    expect(r.code, r.out).toBe(0);
  });
});
