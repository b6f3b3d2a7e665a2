/**
 * `agent-slo review` over backfilled kokino history (objectives with error budgets): budget consumed per day and
 * over the week equals bad ratio ÷ allowed computed independently from the samples; the monthly Markdown has
 * document 002's history table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks } from '../../src/backfill/blocks.js';
import { writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import type { ReviewReport } from '../../src/review/report.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { kokinoScenario, type KokinoScenario } from '../harness/kokino-two-day-history.js';

const DAY = 86_400;
let dir: string;
let prom: RunningPrometheus;
let scenario: KokinoScenario;

function io(): Io & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

function close(actual: unknown, expected: number, what: string): void {
  expect(typeof actual, `${what}: ${String(actual)}`).toBe('number');
  expect(Math.abs((actual as number) - expected) / Math.abs(expected), `${what}: got ${String(actual)}, expected ${expected}`).toBeLessThan(1e-9);
}

const iso = (t: number): string => new Date(t * 1000).toISOString();

beforeAll(async () => {
  // Ends at a midnight at least 3.5 h ago, so the review's days are calendar days.
  const end = Math.floor((Date.now() / 1000 - 3.5 * 3600) / DAY) * DAY;
  scenario = kokinoScenario(end, 3);
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-review-kokino-'));
  await createBlocks({ openMetrics: writeOpenMetrics(scenario.store.families()), dataDir: dir });
  prom = await startPrometheus({ dataDir: dir });
});

afterAll(async () => {
  await prom?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('agent-slo review over kokino history', () => {
  it('budget consumed per day and over the week equals bad ratio ÷ allowed from the samples', async () => {
    const c = io();
    expect(await runCli(['review', '--period', 'week', '--at', iso(scenario.end), '--format', 'json', '--profile', 'kokino', '--prometheus-url', prom.url], c), c.stderr()).toBe(0);
    const r = (JSON.parse(c.stdout()) as { reports: ReviewReport[] }).reports[0]!;
    const s = scenario.store;
    const ex = scenario.names.executions;
    const completed = (l: Record<string, string>): boolean => l[scenario.names.outcomeLabel] === 'completed';
    const a = r.objectives.find((o) => o.name === 'availability')!;
    const ratio = (t: number, w: number): number => s.count(ex, completed, t, w)! / s.count(ex, () => true, t, w)!;
    close(a.period.value, ratio(scenario.end, 7 * DAY), 'availability week');
    close(a.period.budgetConsumed, (1 - ratio(scenario.end, 7 * DAY)) / 0.005, 'availability budget consumed over the week');
    close(a.slices[6]!.budgetConsumed, (1 - ratio(scenario.end, DAY)) / 0.005, 'availability budget consumed on the last day');
    expect(a.slices.slice(0, 4).every((x) => x.state === 'no_data')).toBe(true); // 3 days of data in a 7-day week
    const l = r.objectives.find((o) => o.name === 'latency_p95')!;
    const count = s.count(`${scenario.names.duration}_count`, completed, scenario.end, 7 * DAY)!;
    const le30 = s.count(`${scenario.names.duration}_bucket`, (x) => completed(x) && x.le === '30', scenario.end, 7 * DAY)!;
    close(l.period.budgetConsumed, (count - le30) / count / 0.1, 'latency budget consumed');
    close(l.period.value, s.quantile(0.95, scenario.names.duration, completed, scenario.end, 7 * DAY)!, 'latency p95 week');
    const sh = r.objectives.find((o) => o.name === 'shadow_correctness')!;
    expect(sh.active).toBe(false);
    // The integrity failure two minutes before the end is zero tolerance: the whole budget, and attention.
    const d = r.objectives.find((o) => o.name === 'data_integrity')!;
    expect(d.period.budgetConsumed).toBe('+Inf');
    expect(r.needsAttention.map((n) => n.objective)).toContain('data_integrity');
  });

  it('monthly Markdown carries the history table', async () => {
    const c = io();
    expect(await runCli(['review', '--period', 'month', '--at', iso(scenario.end), '--profile', 'kokino', '--prometheus-url', prom.url], c), c.stderr()).toBe(0);
    const md = c.stdout();
    expect(md).toContain('## Historical SLO Performance');
    expect(md).toContain('| Month | Availability | Latency | Data integrity | Resource efficiency | Budget Consumed |');
  });
});
