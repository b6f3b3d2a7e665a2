/**
 * Test scenarios: series written once, then (1) rendered as OpenMetrics for promtool and (2) used to compute what
 * Prometheus must answer, independently of agent-slo's PromQL (sums of per-series counts: `increase()` following Prometheus'
 * extrapolation, or the last value of a series born in the window — prometheusCount in src/backfill/scenario.ts —
 * and a plain histogram_quantile).
 */
import type { MetricFamily, Sample } from '../../src/backfill/openmetrics.js';
import { prometheusCount } from '../../src/backfill/scenario.js';

type Labels = Record<string, string>;

interface StoredSeries {
  readonly name: string;
  readonly labels: Labels;
  readonly samples: Sample[];
}

interface HistogramDef {
  readonly base: string;
  readonly labels: Labels;
  readonly bounds: readonly number[];
  readonly points: { timestampSeconds: number; buckets: [number, number][]; count: number; sum: number }[];
}

export interface HistogramStep {
  /** Non-cumulative counts per bound (same order as bounds), plus one more for +Inf. */
  readonly counts: readonly number[];
  readonly sum: number;
}

export class SeriesStore {
  readonly series: StoredSeries[] = [];
  private readonly counters = new Map<string, { labels: Labels; samples: Sample[] }[]>();
  private readonly gauges = new Map<string, { labels: Labels; samples: Sample[] }[]>();
  private readonly histograms: HistogramDef[] = [];

  /** A counter from per-step increments; the first sample (at start) is 0. `name` ends in _total. */
  counter(name: string, labels: Labels, start: number, step: number, increments: readonly number[]): void {
    let v = 0;
    const samples: Sample[] = [[start, 0]];
    increments.forEach((inc, i) => {
      v += inc;
      samples.push([start + (i + 1) * step, v]);
    });
    this.series.push({ name, labels, samples });
    const list = this.counters.get(name) ?? [];
    list.push({ labels, samples });
    this.counters.set(name, list);
  }

  gauge(name: string, labels: Labels, samples: Sample[]): void {
    this.series.push({ name, labels, samples });
    const list = this.gauges.get(name) ?? [];
    list.push({ labels, samples });
    this.gauges.set(name, list);
  }

  /** A classic histogram from per-step observations; stores its _bucket/_count/_sum series. */
  histogram(base: string, labels: Labels, bounds: readonly number[], start: number, step: number, steps: readonly HistogramStep[]): void {
    const n = bounds.length + 1;
    const cum = new Array<number>(n).fill(0);
    let sum = 0;
    const points: HistogramDef['points'] = [];
    const push = (t: number): void => {
      let acc = 0;
      const buckets: [number, number][] = [];
      for (let b = 0; b < n; b++) {
        acc += cum[b] ?? 0;
        buckets.push([b < bounds.length ? (bounds[b] as number) : Infinity, acc]);
      }
      points.push({ timestampSeconds: t, buckets, count: acc, sum });
    };
    push(start);
    steps.forEach((s, i) => {
      s.counts.forEach((c, b) => (cum[b] = (cum[b] ?? 0) + c));
      sum += s.sum;
      push(start + (i + 1) * step);
    });
    this.histograms.push({ base, labels, bounds, points });
    const le = (b: number): string => (b === Infinity ? '+Inf' : String(b));
    for (let b = 0; b < n; b++) {
      const bound = b < bounds.length ? (bounds[b] as number) : Infinity;
      this.series.push({ name: `${base}_bucket`, labels: { ...labels, le: le(bound) }, samples: points.map((p) => [p.timestampSeconds, p.buckets[b]![1]]) });
    }
    this.series.push({ name: `${base}_count`, labels, samples: points.map((p) => [p.timestampSeconds, p.count]) });
    this.series.push({ name: `${base}_sum`, labels, samples: points.map((p) => [p.timestampSeconds, p.sum]) });
  }

  families(): MetricFamily[] {
    const out: MetricFamily[] = [];
    for (const [name, series] of this.counters) out.push({ name, type: 'counter', series });
    for (const [name, series] of this.gauges) out.push({ name, type: 'gauge', series });
    const byBase = new Map<string, { labels: Labels; points: HistogramDef['points'] }[]>();
    for (const h of this.histograms) byBase.set(h.base, [...(byBase.get(h.base) ?? []), { labels: h.labels, points: h.points }]);
    for (const [name, series] of byBase) out.push({ name, type: 'histogram', series });
    return out;
  }

  /** The project's count of name{match} over range (promql/counter-increase.ts) at t, as Prometheus 2.x computes it; undefined when no series answers. */
  count(name: string, match: (labels: Labels) => boolean, t: number, range: number): number | undefined {
    let total: number | undefined;
    for (const s of this.series) {
      if (s.name !== name || !match(s.labels)) continue;
      const v = prometheusCount(s.samples, t, range);
      if (v !== undefined) total = (total ?? 0) + v;
    }
    return total;
  }

  /** Bucket increases by bound (sum over series) → histogram_quantile, as Prometheus interpolates. */
  quantile(q: number, base: string, match: (labels: Labels) => boolean, t: number, range: number): number | undefined {
    const byLe = new Map<number, number>();
    for (const s of this.series) {
      if (s.name !== `${base}_bucket` || !match(s.labels)) continue;
      const v = prometheusCount(s.samples, t, range);
      if (v === undefined) continue;
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + v);
    }
    return histogramQuantile(q, [...byLe.entries()].sort((a, b) => a[0] - b[0]));
  }
}

/** Prometheus' histogram_quantile over sorted [le, cumulative count] pairs (the last is +Inf). */
export function histogramQuantile(q: number, buckets: readonly (readonly [number, number])[]): number | undefined {
  if (buckets.length < 2 || buckets[buckets.length - 1]![0] !== Infinity) return undefined;
  const total = buckets[buckets.length - 1]![1];
  if (total === 0) return NaN;
  const rank = q * total;
  let i = buckets.findIndex(([, c]) => c >= rank);
  if (i === buckets.length - 1) return buckets[buckets.length - 2]![0];
  if (i === -1) i = buckets.length - 1;
  const [upper, count] = buckets[i]!;
  let lower = 0;
  let before = 0;
  if (i > 0) [lower, before] = buckets[i - 1]!;
  else if (upper <= 0) return upper;
  return lower + (upper - lower) * ((rank - before) / (count - before));
}
