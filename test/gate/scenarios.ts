/**
 * The gate's scenario histories for runtime-v1 and kokino, told apart by the `scenario` label.
 *
 * Sample grid: runtime-v1 (no window under 24h) uses 5-minute steps. kokino also evaluates 5m alert windows, so
 * its last two days use 1-minute steps (real scrape intervals are ≤ 1m; a 5m range over 5-minute samples holds a
 * single sample on Prometheus 3, i.e. no `increase()`), and 5-minute steps before that to keep the TSDB small.
 *
 * The gate runs at scenarioAt() = a grid instant + 30 s, so no sample lies on any window boundary (all windows are
 * whole minutes): Prometheus 2.x (closed ranges) and 3.x (left-open ranges) select the same samples, and the
 * expected values (scenario-data.ts) follow Prometheus' extrapolation from those samples.
 */
import { DAY, type HistogramSpec, labelsFor, type ScenarioHistory, SIG, type SeriesSpec } from './scenario-data.js';

export const STEP = 300;
/** Step of kokino's last FINE_SPAN seconds. */
export const FINE_STEP = 60;
const FINE_SPAN = 2 * DAY;
/** Offset of the evaluation instant from the sample grid: half the finest step. */
export const AT_OFFSET = FINE_STEP / 2;

/** Evaluation time: a day boundary at least a day ago (inside the launcher's retention, outside the head block). */
export function scenarioEnd(nowSeconds = Date.now() / 1000): number {
  return Math.floor(nowSeconds / DAY) * DAY - DAY;
}

/** The gate's evaluation instant for histories ending at `end`: off the sample grid (see the module comment). */
export function scenarioAt(end: number): number {
  return end + AT_OFFSET;
}

/** Step ends in (start, end]: STEP seconds apart, then FINE_STEP seconds apart for the last `fine` seconds. */
function steps(start: number, end: number, fine = 0): number[] {
  const out: number[] = [];
  for (let t = start + STEP; t <= end - fine; t += STEP) out.push(t);
  for (let t = end - fine + FINE_STEP; t <= end; t += FINE_STEP) out.push(t);
  return out;
}

/** 0 for steps ending in (end − 1d, end], 1 for the day before, … */
function dayFromEnd(end: number, stepEnd: number): number {
  return Math.floor((end - stepEnd) / DAY);
}

function hist(metric: string, labels: Record<string, string>, bounds: number[], perStep: HistogramSpec['perStep']): HistogramSpec {
  return { kind: 'histogram', metric, labels, bounds, perStep };
}

const C = SIG.counter;
const H = SIG.histogram;

export type RuntimeScenario = 'healthy' | 'critical' | 'warn3' | 'warn2' | 'warn3nc' | 'recovery' | 'reset' | 'short' | 'outage';

/** Tool failures per 500 calls per step, by day from the end. */
const TOOL_FAIL: Record<RuntimeScenario, (d: number) => number> = {
  healthy: () => 5, // 1%
  critical: () => 30, // 6%: 0.94 < 0.95 over 7d
  warn3: (d) => (d <= 2 ? 20 : 5), // 4% in windows 0,1,2: 0.96 < 0.97
  warn2: (d) => (d <= 1 ? 20 : 5),
  warn3nc: (d) => (d === 0 || d === 2 || d === 4 ? 20 : 5),
  recovery: (d) => (d >= 6 ? 50 : 5), // 10% on days 6 and 7; day 7 lies outside the 7d window
  reset: () => 5,
  short: () => 5,
  outage: (d) => (d < 7 ? 31 : 1), // 6.2% in the gate window (0.938 < 0.95), 0.2% in the 8 days before
};

export function runtimeScenario(name: RuntimeScenario, end: number): ScenarioHistory {
  // outage: 15 days of history and a 2-hour scrape outage straddling the 7d window start (issue 14).
  const start = name === 'short' ? end - 3 * DAY : name === 'outage' ? end - 15 * DAY : end - 8 * DAY;
  const ends = steps(start, end);
  const labels = { scenario: name };
  const fail = ends.map((t) => TOOL_FAIL[name](dayFromEnd(end, t)));
  const series: SeriesSpec[] = [
    hist(H.tool_duration.metric, labelsFor(C.tool_calls_succeeded.matchers, labels), [], fail.map((f) => ({ le: [], count: 500 - f, sum: (500 - f) * 0.5 }))),
    hist(H.tool_duration.metric, labelsFor(C.tool_calls_failed.matchers, labels), [], fail.map((f) => ({ le: [], count: f, sum: f * 2 }))),
    hist(H.model_call_duration.metric, labels, [], ends.map(() => ({ le: [], count: 250, sum: 250 }))),
    { kind: 'counter', metric: C.model_fallbacks.metric, labels, perStep: ends.map(() => 5) }, // 2%
    // 200 responses per step: 195 ≤ 8 s (97.5%), all ≤ 10 s.
    hist(H.response_latency.metric, labels, [8, 10, 15], ends.map(() => ({ le: [195, 200, 200], count: 200, sum: 600 }))),
    { kind: 'counter', metric: C.tasks_succeeded.metric, labels: labelsFor(C.tasks_succeeded.matchers, labels), perStep: ends.map(() => 39) },
    { kind: 'counter', metric: C.tasks_escalated.metric, labels: labelsFor(C.tasks_escalated.matchers, labels), perStep: ends.map(() => 1) }, // 2.5%
    { kind: 'counter', metric: C.task_cost_usd.metric, labels, perStep: ends.map(() => 1.95) }, // 0.05 USD per successful task
  ];
  return {
    name,
    times: [start, ...ends],
    series,
    ...(name === 'reset' ? { resetSteps: [Math.floor(ends.length / 2)] } : {}),
    ...(name === 'outage' ? { outages: [[end - 7 * DAY - 3600, end - 7 * DAY + 3600]] as const } : {}),
  };
}

export type KokinoScenario = 'k-healthy' | 'k-budget' | 'k-critical' | 'k-shadowoff';

/** Failed executions per 1000 per minute, by day from the end. */
const EXEC_FAIL: Record<KokinoScenario, (d: number) => number> = {
  'k-healthy': () => 1, // 0.1%: 20% of the 0.5% budget
  'k-budget': () => 6, // 0.6% for 31 days: budget exhausted (120%), 7d value 0.994 ≥ 0.99
  'k-critical': (d) => (d < 7 ? 15 : 1), // 1.5% in the gate window: 0.985 < 0.99; budget 85%
  'k-shadowoff': () => 1,
};

export function kokinoScenario(name: KokinoScenario, end: number): ScenarioHistory {
  const start = end - 31 * DAY;
  const ends = steps(start, end, FINE_SPAN);
  const times = [start, ...ends];
  /** Minutes in each step (5 before the last two days, then 1): per-step counts are per-minute counts × minutes. */
  const mins = ends.map((t, i) => (t - (times[i] ?? NaN)) / 60);
  const labels = { scenario: name };
  const fail = ends.map((t, i) => EXEC_FAIL[name](dayFromEnd(end, t)) * (mins[i] ?? NaN));
  const series: SeriesSpec[] = [
    { kind: 'counter', metric: C.executions_completed.metric, labels: labelsFor(C.executions_completed.matchers, labels), perStep: fail.map((f, i) => 1000 * (mins[i] ?? NaN) - f) },
    { kind: 'counter', metric: C.executions_failed.metric, labels: labelsFor(C.executions_failed.matchers, labels), perStep: fail },
    // 100 completed executions per minute: 97 ≤ 30 s, all ≤ 60 s (3% over 30 s: 30% of the 10% budget).
    hist(H.execution_duration.metric, labelsFor(H.execution_duration.matchers, labels), [30, 60], mins.map((m) => ({ le: [97 * m, 100 * m], count: 100 * m, sum: 1000 * m }))),
    { kind: 'counter', metric: C.conversations.metric, labels, perStep: mins.map((m) => 50 * m) },
    // 100 executions per minute averaging 300 MB; 90 ≤ 500 MB (10% over: 50% of the 20% budget).
    hist(H.execution_memory.metric, labels, [5e8, 1e9], mins.map((m) => ({ le: [90 * m, 100 * m], count: 100 * m, sum: 3e10 * m }))),
  ];
  if (name !== 'k-shadowoff') {
    series.push(
      { kind: 'counter', metric: C.shadow_matches.metric, labels: labelsFor(C.shadow_matches.matchers, labels), perStep: mins.map((m) => 98 * m) },
      { kind: 'counter', metric: C.shadow_mismatches.metric, labels: labelsFor(C.shadow_mismatches.matchers, labels), perStep: mins.map((m) => 2 * m) },
    );
  }
  return { name, times, series };
}
