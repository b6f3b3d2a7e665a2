/**
 * Scenario histories for the gate: per-step integer event counts per series, turned into cumulative counter and
 * histogram samples for promtool. The expected window values are computed from the same generated samples with
 * prometheusCount (an independent model of Prometheus' `increase()` and of series born in the window, not the gate's code), summed over the
 * matching series. Scenarios share one TSDB and are told apart by the `scenario` label (`--selector scenario=…`).
 *
 * The gate is evaluated half a step off the sample grid, so no sample lies on a window boundary: Prometheus 2.x
 * (closed ranges) and 3.x (left-open ranges) select the same samples and return the same value. The expectation
 * helpers check that by computing both and throwing when they differ.
 */
import type { HistogramFamily, HistogramSeries, MetricFamily, Sample, SeriesSamples } from '../../src/backfill/openmetrics.js';
import { prometheusCount } from '../../src/backfill/scenario.js';
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS, type Matcher } from '../../src/conventions.js';

export const DAY = 86_400;

/** A counter series: labels and the events in each step (step i ends at times[i + 1]). */
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
  /** Sample timestamps (seconds), ascending; times[0] is the start (all counters 0), step i ends at times[i + 1]. */
  readonly times: readonly number[];
  /** Counter resets: steps whose end sample holds only that step's increment. */
  readonly resetSteps?: readonly number[];
  /** Scrape outages [from, to) (seconds): no samples there; the events keep counting and show after it. */
  readonly outages?: readonly (readonly [number, number])[];
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
    const t = (i: number): number => h.times[i] ?? NaN;
    for (const s of h.series) {
      if (s.kind === 'counter') {
        const list = counters.get(s.metric) ?? [];
        list.push({ labels: s.labels, samples: samplesOf(h, s.perStep) });
        counters.set(s.metric, list);
      } else {
        const le = s.bounds.map((_, b) => cumulative(s.perStep.map((p) => p.le[b] ?? 0), resets));
        const count = cumulative(s.perStep.map((p) => p.count), resets);
        const sum = cumulative(s.perStep.map((p) => p.sum), resets);
        const list = histos.get(s.metric) ?? [];
        list.push({
          labels: s.labels,
          points: count
            .map((c, i) => ({
              timestampSeconds: t(i),
              buckets: s.bounds.map((b, bi) => [b, le[bi]?.[i] ?? 0] as const),
              count: c,
              sum: sum[i] ?? 0,
            }))
            .filter((p) => !inOutage(h, p.timestampSeconds)),
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

/** Cumulative samples of one series from its per-step counts (with the history's counter resets). */
export function samplesOf(h: ScenarioHistory, perStep: readonly number[]): Sample[] {
  if (perStep.length !== h.times.length - 1) throw new Error(`${h.name}: ${perStep.length} steps for ${h.times.length} timestamps`);
  const out = cumulative(perStep, new Set(h.resetSteps ?? [])).map((v, i) => [h.times[i] ?? NaN, v] as const);
  return out.filter(([t]) => !inOutage(h, t));
}

/** True when `t` (seconds) falls in one of the history's scrape outages. */
export function inOutage(h: ScenarioHistory, t: number): boolean {
  return (h.outages ?? []).some(([from, to]) => t >= from && t < to);
}

/**
 * What the project's count of one series over `window` at `at` returns (prometheusCount: increase(), or the last
 * value of a series born in the window). Throws when Prometheus 2.x and 3.x would differ (a sample on the window
 * start) or when the series gives no value.
 */
export function windowIncrease(h: ScenarioHistory, perStep: readonly number[], at: number, window: number): number {
  const samples = samplesOf(h, perStep);
  const closed = prometheusCount(samples, at, window);
  const leftOpen = prometheusCount(samples, at, window, { leftOpen: true });
  if (closed === undefined || leftOpen === undefined) throw new Error(`${h.name}: no value in (${at - window}, ${at}]`);
  if (closed !== leftOpen) throw new Error(`${h.name}: a sample lies on the window start ${at - window}; evaluate off the sample grid`);
  return closed;
}

/** Expected `sum(increase(metric{match}[window]))` at `at` over the counter series of `metric` whose labels include `match`. */
export function counterSum(h: ScenarioHistory, metric: string, match: Record<string, string>, at: number, window: number): number {
  let total = 0;
  for (const s of h.series) {
    if (s.kind !== 'counter' || s.metric !== metric) continue;
    if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
    total += windowIncrease(h, s.perStep, at, window);
  }
  return total;
}

/**
 * Expected `sum(increase(…[window]))` at `at` of a histogram part ('count', 'sum', or the bucket at a bound) over
 * the histogram series of `metric` whose labels include `match`.
 */
export function histogramSum(h: ScenarioHistory, metric: string, part: 'count' | 'sum' | number, at: number, window: number, match: Record<string, string> = {}): number {
  let total = 0;
  for (const s of h.series) {
    if (s.kind !== 'histogram' || s.metric !== metric) continue;
    if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
    const per = s.perStep.map((p) => (part === 'count' ? p.count : part === 'sum' ? p.sum : (p.le[s.bounds.indexOf(part)] ?? NaN)));
    total += windowIncrease(h, per, at, window);
  }
  return total;
}
