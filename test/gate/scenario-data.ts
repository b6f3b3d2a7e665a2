/**
 * Scenario histories for the gate: per-step integer event counts per series, turned into cumulative counter and
 * histogram samples for promtool, and the expected window sums computed from the same per-step counts (not from
 * the gate's code). Scenarios share one TSDB and are told apart by the `scenario` label (`--selector scenario=…`).
 */
import type { HistogramFamily, HistogramSeries, MetricFamily, SeriesSamples } from '../../src/backfill/openmetrics.js';
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS, type Matcher } from '../../src/conventions.js';

export const DAY = 86_400;

/** A counter series: labels and the events in each step (step i ends at start + (i+1)·step). */
export interface CounterSpec {
  readonly kind: 'counter';
  readonly metric: string;
  readonly labels: Record<string, string>;
  readonly perStep: readonly number[];
}

/** A histogram: per step, the number of observations at or below each bound, the count and the sum. */
export interface HistogramSpec {
  readonly kind: 'histogram';
  /** Base name. */
  readonly metric: string;
  readonly labels: Record<string, string>;
  readonly bounds: readonly number[];
  /** perStep[i] = { le: counts per bound (cumulative), count, sum }. */
  readonly perStep: readonly { readonly le: readonly number[]; readonly count: number; readonly sum: number }[];
}

export type SeriesSpec = CounterSpec | HistogramSpec;

export interface ScenarioHistory {
  readonly name: string;
  readonly start: number;
  readonly step: number;
  /** Counter resets: steps whose end sample holds only that step's increment. */
  readonly resetSteps?: readonly number[];
  readonly series: readonly SeriesSpec[];
}

/** Labels that satisfy a signal's matchers (`!=""` gets a concrete value). */
export function labelsFor(matchers: readonly Matcher[], extra: Record<string, string>, value = 'timeout'): Record<string, string> {
  const out: Record<string, string> = { ...extra };
  for (const m of matchers) {
    if (m.op === '=' && m.value !== '') out[m.label] = m.value;
    else if (m.op === '!=' && m.value === '') out[m.label] = value;
  }
  return out;
}

export const SIG = { counter: COUNTER_SIGNALS, histogram: HISTOGRAM_SIGNALS };

function cumulative(perStep: readonly number[], resets: ReadonlySet<number>): number[] {
  const out = [0];
  let v = 0;
  perStep.forEach((x, i) => {
    v = resets.has(i) ? x : v + x;
    out.push(v);
  });
  return out;
}

/** OpenMetrics families for all scenarios (merged by metric name). */
export function families(histories: readonly ScenarioHistory[]): MetricFamily[] {
  const counters = new Map<string, SeriesSamples[]>();
  const histos = new Map<string, HistogramSeries[]>();
  for (const h of histories) {
    const resets = new Set(h.resetSteps ?? []);
    const t = (i: number): number => h.start + i * h.step;
    for (const s of h.series) {
      if (s.kind === 'counter') {
        const values = cumulative(s.perStep, resets);
        const list = counters.get(s.metric) ?? [];
        list.push({ labels: s.labels, samples: values.map((v, i) => [t(i), v] as const) });
        counters.set(s.metric, list);
      } else {
        const le = s.bounds.map((_, b) => cumulative(s.perStep.map((p) => p.le[b] ?? 0), resets));
        const count = cumulative(s.perStep.map((p) => p.count), resets);
        const sum = cumulative(s.perStep.map((p) => p.sum), resets);
        const list = histos.get(s.metric) ?? [];
        list.push({
          labels: s.labels,
          points: count.map((c, i) => ({
            timestampSeconds: t(i),
            buckets: s.bounds.map((b, bi) => [b, le[bi]?.[i] ?? 0] as const),
            count: c,
            sum: sum[i] ?? 0,
          })),
        });
        histos.set(s.metric, list);
      }
    }
  }
  const out: MetricFamily[] = [];
  for (const [name, series] of counters) out.push({ name, type: 'counter', series });
  for (const [name, series] of histos) out.push({ name, type: 'histogram', series } satisfies HistogramFamily);
  return out;
}

/** Sum of per-step values for steps ending in (end − window, end]. */
export function windowSum(h: ScenarioHistory, perStep: readonly number[], end: number, window: number): number {
  let total = 0;
  perStep.forEach((x, i) => {
    const stepEnd = h.start + (i + 1) * h.step;
    if (stepEnd > end - window && stepEnd <= end) total += x;
  });
  return total;
}

/** Expected window sum of all counter series of `metric` whose labels include `match`. */
export function counterSum(h: ScenarioHistory, metric: string, match: Record<string, string>, end: number, window: number): number {
  let total = 0;
  for (const s of h.series) {
    if (s.kind !== 'counter' || s.metric !== metric) continue;
    if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
    total += windowSum(h, s.perStep, end, window);
  }
  return total;
}

/** Expected window sum of a histogram part: 'count', 'sum', or the bucket at a bound. */
export function histogramSum(h: ScenarioHistory, metric: string, part: 'count' | 'sum' | number, end: number, window: number): number {
  let total = 0;
  for (const s of h.series) {
    if (s.kind !== 'histogram' || s.metric !== metric) continue;
    const per = s.perStep.map((p) => (part === 'count' ? p.count : part === 'sum' ? p.sum : (p.le[s.bounds.indexOf(part)] ?? NaN)));
    total += windowSum(h, per, end, window);
  }
  return total;
}
