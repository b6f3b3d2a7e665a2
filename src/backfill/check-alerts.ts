/**
 * Past alerts from range-query results (pure): an alert is pending while its expression returns a sample, and fires
 * once it has been pending for `for` (Prometheus semantics, at the query step's resolution).
 */
import type { RangeSeries } from '../prometheus/results.js';

export interface Span {
  /** Seconds since the epoch; `end` is the last evaluation at which it held. */
  readonly start: number;
  readonly end: number;
}

export interface FiringSpan extends Span {
  readonly labels: Readonly<Record<string, string>>;
}

/** Runs of consecutive evaluations (gap ≤ step) at which a series had a sample. */
export function activeSpans(timestamps: readonly number[], stepSeconds: number): Span[] {
  const spans: Span[] = [];
  let start: number | undefined;
  let last: number | undefined;
  for (const t of [...timestamps].sort((a, b) => a - b)) {
    if (start === undefined || last === undefined || t - last > stepSeconds * 1.5) {
      if (start !== undefined && last !== undefined) spans.push({ start, end: last });
      start = t;
    }
    last = t;
  }
  if (start !== undefined && last !== undefined) spans.push({ start, end: last });
  return spans;
}

/** Firing spans: each active span shortened by `for`; spans shorter than `for` never fire. */
export function firingSpans(active: readonly Span[], forSeconds: number): Span[] {
  return active.filter((s) => s.end - s.start >= forSeconds).map((s) => ({ start: s.start + forSeconds, end: s.end }));
}

/** Firing spans of every series of a range result. */
export function firingFromSeries(series: readonly RangeSeries[], stepSeconds: number, forSeconds: number): FiringSpan[] {
  const out: FiringSpan[] = [];
  for (const s of series) {
    const times = s.samples.filter((p) => !Number.isNaN(p.value)).map((p) => p.timestamp);
    for (const span of firingSpans(activeSpans(times, stepSeconds), forSeconds)) out.push({ ...span, labels: s.labels });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Merges overlapping spans (pure). */
export function mergeSpans(spans: readonly Span[], stepSeconds: number): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const prev = out[out.length - 1];
    if (prev !== undefined && s.start <= prev.end + stepSeconds * 1.5) out[out.length - 1] = { start: prev.start, end: Math.max(prev.end, s.end) };
    else out.push(s);
  }
  return out;
}

/** True when the span overlaps [from, to). */
export function overlaps(s: Span, from: number, to: number): boolean {
  return s.start < to && s.end >= from;
}
