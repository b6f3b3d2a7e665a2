/**
 * A real Prometheus evaluates the generated recording rules over 9 days of backfilled history (traffic with a daily
 * cycle, quiet hours with zero traffic, a counter reset, bad stretches crossing the thresholds). The recorded
 * long-window values (built from 5m rates) must equal the exact raw expression over the same window within
 * 0.1 percentage point. The measured worst difference is printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks } from '../../src/backfill/blocks.js';
import { backfillRecordingRules, recordingRuleLevels } from '../../src/backfill/import-rules.js';
import { RECORD_FRACTION_LE, RECORD_SLI } from '../../src/conventions.js';
import { type MetricFamily, type Sample, writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import { counterFromRates, seededRandom } from '../../src/backfill/scenario.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { profileRuleGroups } from '../../src/generate/prometheus/rules.js';
import { loadProfile } from '../../src/profile/load.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';

const MINUTE = 60;
const DAY = 86_400;
const STEPS = 9 * 1440;
// Ends 4 hours ago on a whole minute: backfill never touches the head block's last 3 hours.
const END = Math.floor((Date.now() / 1000 - 4 * 3600) / MINUTE) * MINUTE;
const START = END - STEPS * MINUTE;

interface Traffic {
  total: number[];
  bad: number[];
}

/** Per-minute events: daily cycle, noise, a quiet hour each day (no traffic at all), bad stretches. */
function traffic(seed: number, base: number, badRate: (day: number, hour: number) => number): Traffic {
  const rnd = seededRandom(seed);
  const total: number[] = [];
  const bad: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t = i * MINUTE;
    const day = Math.floor(t / DAY);
    const hour = Math.floor((t % DAY) / 3600);
    const daily = 1 + 0.7 * Math.sin((2 * Math.PI * t) / DAY);
    const n = hour === 3 ? 0 : Math.round(base * daily * (0.4 + rnd()));
    total.push(n);
    bad.push(Math.min(n, Math.round(n * badRate(day, hour) * 2 * rnd())));
  }
  return { total, bad };
}

const counter = (perMinute: number[], resetsAt?: number): Sample[] =>
  counterFromRates({ startSeconds: START, perMinute, ...(resetsAt !== undefined ? { resetsAtSeconds: [resetsAt] } : {}) });
const minus = (a: number[], b: number[]) => a.map((v, i) => v - (b[i] ?? 0));

function families(): MetricFamily[] {
  // kokino availability: failures 0.3% normally, 3% on day 7 from 10:00 to 14:00 (crosses 99% over 1h windows).
  const exec = traffic(11, 40, (day, hour) => (day === 7 && hour >= 10 && hour < 14 ? 0.03 : 0.003));
  const reset = START + 5 * DAY + 17 * MINUTE;
  // kokino latency: share of executions above 30 s / 60 s.
  const slow30 = traffic(12, 0, () => 0).total.map((_, i) => Math.round(exec.total[i]! * (i % 1440 < 600 ? 0.04 : 0.12)));
  const slow60 = slow30.map((v, i) => Math.round(v * (Math.floor(i / 1440) === 8 ? 0.9 : 0.3)));
  const completed = minus(exec.total, exec.bad);
  // runtime-v1 tool success: errors 1% normally, 6% on day 8 (crosses the 95% critical threshold over 24h).
  const tools = traffic(13, 90, (day) => (day === 8 ? 0.06 : 0.01));
  return [
    {
      name: 'agent_executions',
      type: 'counter',
      series: [
        { labels: { agent_execution_outcome: 'completed' }, samples: counter(completed, reset) },
        { labels: { agent_execution_outcome: 'failed' }, samples: counter(exec.bad, reset) },
      ],
    },
    {
      name: 'agent_execution_duration_bucket',
      type: 'gauge',
      series: [
        // Prometheus 2 / JS spelling for 30, Prometheus 3 spelling for 60: both must match.
        { labels: { agent_execution_outcome: 'completed', le: '30' }, samples: counter(minus(completed, slow30)) },
        { labels: { agent_execution_outcome: 'completed', le: '60.0' }, samples: counter(minus(completed, slow60)) },
        { labels: { agent_execution_outcome: 'completed', le: '+Inf' }, samples: counter(completed) },
      ],
    },
    { name: 'agent_execution_duration_count', type: 'gauge', series: [{ labels: { agent_execution_outcome: 'completed' }, samples: counter(completed) }] },
    {
      name: 'gen_ai_execute_tool_duration_count',
      type: 'gauge',
      series: [
        { labels: {}, samples: counter(minus(tools.total, tools.bad)) },
        { labels: { error_type: 'timeout' }, samples: counter(tools.bad) },
      ],
    },
  ];
}

let dir: string;
let prom: RunningPrometheus | undefined;
const measured: { what: string; recorded: number; raw: number; diffPp: number }[] = [];

async function restart(): Promise<void> {
  await prom?.stop();
  prom = await startPrometheus({ dataDir: join(dir, 'data') });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-rules-accuracy-'));
  await createBlocks({ openMetrics: writeOpenMetrics(families()), dataDir: join(dir, 'data') });
  await restart();
  const kokino = await loadProfile(shippedProfilePath('kokino'), []);
  const runtime = await loadProfile(shippedProfilePath('runtime-v1'), []);
  const groups = [
    ...profileRuleGroups(kokino).filter((g) => /:(availability|latency_p95)$/.test(g.name)),
    ...profileRuleGroups(runtime).filter((g) => g.name.endsWith(':tool_success_rate')),
  ];
  await backfillRecordingRules({
    groups,
    prometheusUrl: () => prom!.url,
    dataDir: join(dir, 'data'),
    startSeconds: START,
    endSeconds: END,
    // Long windows are only compared at END: levels above the 5m rates are recorded over the last 30 minutes.
    higherLevels: { startSeconds: END - 1800 },
    // Up to the level recording the compared series (the SLI and fractions divide by the events recorded before them).
    maxLevel: Math.max(...recordingRuleLevels(groups).filter((l) => l.records.some((r) => r === RECORD_SLI || r === RECORD_FRACTION_LE)).map((l) => l.level)),
    reload: restart,
  });
}, 900_000);

afterAll(async () => {
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (measured.length > 0) {
    const worst = measured.reduce((a, b) => (b.diffPp > a.diffPp ? b : a));
    console.log(`rules accuracy: ${measured.length} long-window values, worst |recorded − raw| = ${worst.diffPp.toFixed(5)} pp (${worst.what})`);
    for (const m of measured) console.log(`  ${m.what}: recorded ${m.recorded.toFixed(6)} raw ${m.raw.toFixed(6)} diff ${m.diffPp.toFixed(5)} pp`);
  }
});

async function one(query: string, at: number): Promise<number> {
  const res = await fetch(`${prom!.url}/api/v1/query?${new URLSearchParams({ query, time: String(at) }).toString()}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
  expect(body.status, `${query}: ${body.error ?? ''}`).toBe('success');
  const r = body.data?.result ?? [];
  expect(r, query).toHaveLength(1);
  return Number(r[0]!.value[1]);
}

describe('recorded long windows vs the raw expression (real Prometheus, backfilled history)', () => {
  const cases = [
    ...['1h', '6h', '7d'].map((w) => ({
      what: `kokino availability sli[${w}]`,
      recorded: `agent_slo:sli{slo_profile="kokino",slo_objective="availability",slo_window="${w}"}`,
      raw: `sum(increase(agent_executions_total{agent_execution_outcome="completed"}[${w}])) / sum(increase(agent_executions_total[${w}]))`,
    })),
    ...['1d', '7d'].flatMap((w) =>
      ['30', '60'].map((t) => ({
        what: `kokino latency fraction_le{${t}}[${w}]`,
        recorded: `agent_slo:fraction_le{slo_profile="kokino",slo_objective="latency_p95",slo_window="${w}",slo_threshold="${t}"}`,
        raw: `sum(increase(agent_execution_duration_bucket{agent_execution_outcome="completed",le=~"${t}|${t}\\\\.0"}[${w}])) / sum(increase(agent_execution_duration_count{agent_execution_outcome="completed"}[${w}]))`,
      })),
    ),
    ...['1d', '7d'].map((w) => ({
      what: `runtime-v1 tool_success_rate sli[${w}]`,
      recorded: `agent_slo:sli{slo_profile="runtime-v1",slo_objective="tool_success_rate",slo_window="${w}"}`,
      raw: `sum(increase(gen_ai_execute_tool_duration_count{error_type=""}[${w}])) / sum(increase(gen_ai_execute_tool_duration_count[${w}]))`,
    })),
  ];
  for (const c of cases) {
    it(`${c.what} within 0.1 percentage point`, async () => {
      // The raw expression is evaluated at the recorded sample's own timestamp (the last one at or before END).
      const at = await one(`timestamp(${c.recorded})`, END);
      const recorded = await one(c.recorded, at);
      const raw = await one(c.raw, at);
      const diffPp = Math.abs(recorded - raw) * 100;
      measured.push({ what: c.what, recorded, raw, diffPp });
      expect(diffPp).toBeLessThan(0.1);
    });
  }

  it('the bad stretches crossed the thresholds (the comparison is not of flat data)', async () => {
    const at = Math.floor(END / 300) * 300;
    const tools = await one('agent_slo:sli{slo_profile="runtime-v1",slo_objective="tool_success_rate",slo_window="1d"}', at);
    expect(tools).toBeLessThan(0.95);
  });
});
