/**
 * Two days of kokino traffic at 1-minute resolution ending at `end`, with a bad last half hour: failures push the
 * 1h availability under 99%, slow executions push the 5m p95 over 60 s, and one integrity failure lands 2 minutes
 * before the end. No shadow-mode series: shadow_correctness is "not active".
 */
import { seededRandom } from '../../src/backfill/scenario.js';
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS } from '../../src/conventions.js';
import { type HistogramStep, SeriesStore } from './series-store.js';

export const STEP = 60;
export const LATENCY_BOUNDS = [10, 30, 60, 120] as const;
export const MEMORY_BOUNDS = [1e8, 5e8, 1e9, 2e9] as const;

const outcomeLabel = COUNTER_SIGNALS.executions_completed.matchers[0].label;

export interface KokinoScenario {
  readonly store: SeriesStore;
  readonly start: number;
  readonly end: number;
  readonly names: {
    readonly executions: string;
    readonly outcomeLabel: string;
    readonly duration: string;
    readonly memory: string;
    readonly conversations: string;
    readonly integrity: string;
  };
}

function split(n: number, fractions: readonly number[]): number[] {
  const out = fractions.map((f) => Math.floor(n * f));
  out.push(n - out.reduce((a, b) => a + b, 0));
  return out;
}

export function kokinoScenario(end: number, days = 2, seed = 7): KokinoScenario {
  const steps = (days * 86_400) / STEP;
  const start = end - steps * STEP;
  const rnd = seededRandom(seed);
  const completed: number[] = [];
  const failed: number[] = [];
  const timeout: number[] = [];
  const latency: HistogramStep[] = [];
  const memory: HistogramStep[] = [];
  const conversations: number[] = [];
  const integrity: number[] = [];
  for (let i = 0; i < steps; i++) {
    const stepEnd = start + (i + 1) * STEP;
    const bad = end - stepEnd < 30 * 60; // last 30 minutes
    const n = 80 + Math.floor(rnd() * 40);
    const f = bad ? Math.round(n * 0.03) : rnd() < 0.2 ? 1 : 0;
    const to = !bad && rnd() < 0.05 ? 1 : 0;
    const c = n - f - to;
    completed.push(c);
    failed.push(f);
    timeout.push(to);
    const lat = split(c, bad ? [0.5, 0.3, 0.12, 0.05] : [0.85, 0.13, 0.015, 0.004]);
    latency.push({ counts: lat, sum: lat[0]! * 4 + lat[1]! * 20 + lat[2]! * 45 + lat[3]! * 90 + lat[4]! * 200 });
    const mem = split(n, [0.3, 0.55, 0.1, 0.05]);
    memory.push({ counts: mem, sum: mem[0]! * 8e7 + mem[1]! * 3e8 + mem[2]! * 7e8 + mem[3]! * 1.5e9 + mem[4]! * 3e9 });
    conversations.push(10);
    integrity.push(stepEnd === end - 120 ? 1 : 0);
  }
  const store = new SeriesStore();
  const executions = COUNTER_SIGNALS.executions.metric;
  store.counter(executions, { [outcomeLabel]: 'completed' }, start, STEP, completed);
  store.counter(executions, { [outcomeLabel]: 'failed' }, start, STEP, failed);
  store.counter(executions, { [outcomeLabel]: 'timeout' }, start, STEP, timeout);
  const duration = HISTOGRAM_SIGNALS.execution_duration.metric;
  store.histogram(duration, { [outcomeLabel]: 'completed' }, LATENCY_BOUNDS, start, STEP, latency);
  const mem = HISTOGRAM_SIGNALS.execution_memory.metric;
  store.histogram(mem, {}, MEMORY_BOUNDS, start, STEP, memory);
  store.counter(COUNTER_SIGNALS.conversations.metric, {}, start, STEP, conversations);
  store.counter(COUNTER_SIGNALS.integrity_failures.metric, {}, start, STEP, integrity);
  return {
    store,
    start,
    end,
    names: {
      executions,
      outcomeLabel,
      duration,
      memory: mem,
      conversations: COUNTER_SIGNALS.conversations.metric,
      integrity: COUNTER_SIGNALS.integrity_failures.metric,
    },
  };
}
