import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackfillError, createBlocks, type CreateBlocksResult } from '../../src/backfill/blocks.js';
import { type MetricFamily, type Sample, writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import { counterFromRates, prometheusIncrease, seededRandom } from '../../src/backfill/scenario.js';
import { isPidAlive } from '../../src/stack/process.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { prometheusBinary } from '../harness/stack.js';

// A fixed, past start so the evaluation time is fixed too (2025-06-01T00:00:00Z). Far older than 3 hours, and
// the launcher's 400d retention keeps the blocks.
const START = Date.UTC(2025, 5, 1) / 1000;
const MINUTE = 60;
const DAY = 86_400;
const STEPS = 8 * 1440; // 8 days of 1-minute samples
const END = START + STEPS * MINUTE; // time of the last sample
const GOOD = 'agent_slo_backfill_test_good';
const TOTAL = 'agent_slo_backfill_test_requests';

interface RouteData {
  route: string;
  /** Events per minute for each step (index i ends at START + (i+1)·60). */
  total: number[];
  good: number[];
  resetAt?: number;
}

/** Integer per-minute traffic with a daily cycle, noise, a quiet hour and a bad day; reproducible. */
function routeData(route: string, seed: number, base: number, resetAt?: number): RouteData {
  const rnd = seededRandom(seed);
  const total: number[] = [];
  const good: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const end = START + (i + 1) * MINUTE;
    const daily = 1 + 0.6 * Math.sin((2 * Math.PI * (end - START)) / DAY);
    const quiet = (end - START) % DAY < 3600 && route === 'b'; // an hour with no traffic each day
    const t = quiet ? 0 : Math.round(base * daily * (0.5 + rnd()));
    const badDay = Math.floor((end - START) / DAY) === 6;
    const errorRate = (badDay ? 0.08 : 0.01) * rnd() * 2;
    const bad = Math.min(t, Math.round(t * errorRate));
    total.push(t);
    good.push(t - bad);
  }
  return { route, total, good, ...(resetAt !== undefined ? { resetAt } : {}) };
}

const routes: RouteData[] = [
  routeData('a', 1, 120),
  // Route b restarts 4.5 days + 17 minutes in: inside the 7d window, both of its counters reset.
  routeData('b', 2, 15, START + 4.5 * DAY + 17 * MINUTE),
];

function series(r: RouteData, rates: number[]): Sample[] {
  return counterFromRates({
    startSeconds: START,
    perMinute: rates,
    ...(r.resetAt !== undefined ? { resetsAtSeconds: [r.resetAt] } : {}),
  });
}

function families(): MetricFamily[] {
  return [
    {
      name: TOTAL,
      type: 'counter',
      help: 'Backfill test: all requests',
      series: routes.map((r) => ({ labels: { route: r.route }, samples: series(r, r.total) })),
    },
    {
      name: `${GOOD}_total`, // the writer accepts the name with or without _total
      type: 'counter',
      series: routes.map((r) => ({ labels: { route: r.route }, samples: series(r, r.good) })),
    },
  ];
}

/** Sum of the per-minute increments of the steps ending in (from, to]: computed from the rates, not the samples. */
function eventsIn(rates: readonly number[], from: number, to: number): number {
  let sum = 0;
  rates.forEach((n, i) => {
    const end = START + (i + 1) * MINUTE;
    if (end > from && end <= to) sum += n;
  });
  return sum;
}

async function query(prom: RunningPrometheus, expr: string, time: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prom.url}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query: expr, time: String(time) }),
  });
  const body = (await res.json()) as { status: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
  expect(body.status, JSON.stringify(body)).toBe('success');
  expect(body.data.resultType).toBe('vector');
  return body.data.result;
}

function expectClose(actual: number, expected: number, what: string): void {
  expect(Number.isFinite(actual), `${what}: ${actual}`).toBe(true);
  expect(Math.abs(actual - expected) / Math.abs(expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThan(1e-9);
}

describe('backfill 8 days of a good/total counter pair and query the 7d ratio', () => {
  let dataDir: string;
  let prom: RunningPrometheus;
  let created: CreateBlocksResult;
  let leftOpen = false;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agent-slo-backfill-it-'));
    const progress: string[] = [];
    created = await createBlocks({ openMetrics: writeOpenMetrics(families()), dataDir, onProgress: (l) => progress.push(l) });
    expect(progress.length).toBeGreaterThan(0);
    prom = await startPrometheus({ dataDir, binary: prometheusBinary() });
    const info = (await (await fetch(`${prom.url}/api/v1/status/buildinfo`)).json()) as { data: { version: string } };
    // Prometheus 3 selects ranges left-open: (t − 7d, t]; 2.x includes the sample at t − 7d.
    leftOpen = Number(info.data.version.split('.')[0]) >= 3;
  });

  afterAll(async () => {
    const pid = prom?.pid;
    await prom?.stop();
    if (pid) expect(isPidAlive(pid)).toBe(false);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('created 24h blocks holding every sample', () => {
    expect(created.input.samples).toBe(4 * (STEPS + 1));
    expect(created.blocks.reduce((n, b) => n + b.numSamples, 0)).toBe(4 * (STEPS + 1));
    expect(created.blocks.length).toBeGreaterThanOrEqual(8);
    for (const b of created.blocks) expect(b.maxTimeMs - b.minTimeMs).toBeLessThanOrEqual(DAY * 1000 + 1);
    expect(created.blocks[0]!.minTimeMs).toBe(START * 1000);
  });

  it('the 7d ratio at the last sample equals the ratio computed from the generated events', async () => {
    // Evaluate exactly at the last sample, with samples on whole minutes: on Prometheus 2.x the 7d range holds the
    // samples at T−7d … T, so first/last samples sit on the range boundaries, the extrapolation factor is exactly 1
    // and increase() is the exact reset-corrected sum of the per-minute increments in (T−7d, T].
    // On Prometheus 3 (left-open) the range starts one minute later and increase() is scaled by 7d/(7d−1m) — the
    // same factor for good and total (same timestamps; durationToZero never binds here), so the ratio is the
    // ratio of events in (T−7d+1m, T].
    const t = END;
    const from = t - 7 * DAY + (leftOpen ? MINUTE : 0);
    const good = routes.reduce((n, r) => n + eventsIn(r.good, from, t), 0);
    const total = routes.reduce((n, r) => n + eventsIn(r.total, from, t), 0);
    const expected = good / total;
    expect(expected).toBeLessThan(0.995); // the bad day shows
    expect(expected).toBeGreaterThan(0.95);

    const result = await query(prom, `sum(increase(${GOOD}_total[7d])) / sum(increase(${TOTAL}_total[7d]))`, t);
    expect(result).toHaveLength(1);
    expectClose(Number(result[0]!.value[1]), expected, '7d good/total ratio');

    if (!leftOpen) {
      const totals = await query(prom, `sum(increase(${TOTAL}_total[7d]))`, t);
      expectClose(Number(totals[0]!.value[1]), total, '7d total increase');
    }
  });

  it('the counter reset is corrected, and increase() off the sample grid matches the extrapolation model', async () => {
    // 24h window ending 30 s after a sample, inside which route b resets: extrapolation is now in play.
    const t = routes[1]!.resetAt! + 12 * 3600 + 30;
    const result = await query(prom, `increase(${TOTAL}_total{route="b"}[24h])`, t);
    const samples = series(routes[1]!, routes[1]!.total);
    const expected = prometheusIncrease(samples, t, DAY, { leftOpen });
    expect(expected).toBeDefined();
    expectClose(Number(result[0]!.value[1]), expected!, 'increase over a reset');
    // Without reset correction the increase would be negative; with it, it is near the true event count.
    const events = eventsIn(routes[1]!.total, t - DAY, t);
    expect(Math.abs(expected! - events) / events).toBeLessThan(0.01);
  });
});

describe('createBlocks input checks', () => {
  it('refuses a timestamp in the future (milliseconds mistake) before running promtool', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agent-slo-backfill-bad-'));
    try {
      const text = `# TYPE x counter\nx_total 1 ${Date.now()}\n# EOF\n`;
      const err = await createBlocks({ openMetrics: text, dataDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackfillError);
      expect((err as BackfillError).message).toMatch(/in the future.*milliseconds/);
      expect((err as BackfillError).line).toBe(2);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses input without # EOF', async () => {
    const err = await createBlocks({ openMetrics: '# TYPE x gauge\nx 1 1700000000\n', dataDir: '/nonexistent/never' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackfillError);
    expect((err as Error).message).toContain('# EOF');
  });

  it('carries promtool output when promtool fails, and detects silently dropped samples', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agent-slo-backfill-bad-'));
    try {
      const broken = await createBlocks({ openMetrics: '# TYPE x gauge\nx{a="1" 1 1700000000\n# EOF\n', dataDir }).catch(
        (e: unknown) => e,
      );
      expect(broken).toBeInstanceOf(BackfillError);
      expect((broken as BackfillError).output.length).toBeGreaterThan(0);

      // Hand-written out-of-order input (the writer sorts; promtool would drop the late sample and exit 0).
      const unsorted = '# TYPE y gauge\ny 1 1700000060\ny 2 1700000000\ny 3 1700000120\n# EOF\n';
      const dropped = await createBlocks({ openMetrics: unsorted, dataDir }).catch((e: unknown) => e);
      expect(dropped).toBeInstanceOf(BackfillError);
      expect((dropped as Error).message).toMatch(/wrote 2 of 3 samples/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
