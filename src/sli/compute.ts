/**
 * Component counts → SLI value and threshold breaches, exactly, in TypeScript. The gate's policy and the tests'
 * independent expectations use this one definition; the generated recording rules implement the same rules in PromQL.
 *
 * Rulings (DESIGN.md): a missing good/bad series counts as 0 while its total exists; zero total is "no data", never a
 * pass; cost > 0 with zero successful tasks is +Inf (a critical breach); quantile thresholds are decided from bucket
 * fractions at the threshold boundary (p95 > T ⇔ bucket{le=T}/count < 0.95).
 */
import { promHistogram } from '../conventions.js';
import { unitThreshold } from '../format.js';
import { breaches, type HistogramSelector, type Level, levelsOf, type Objective, unitScale } from '../profile/model.js';
import { type ComponentName, roundBound } from './queries.js';

export type Components = Partial<Record<ComponentName, number>>;

export type SliOutcome =
  | {
      readonly status: 'ok';
      /** In the objective's unit; for quantiles the smallest threshold-resolution statement is in `breached`. */
      readonly value: number;
      /** Events in the window (the denominator). */
      readonly events: number;
      /** Per level: true when breached. `target` says whether the target is met. */
      readonly breached: Readonly<Partial<Record<Level, boolean>>> & { readonly target: boolean };
    }
  | { readonly status: 'no_data'; readonly reason: string };

function finite(n: number | undefined): n is number {
  return n !== undefined && Number.isFinite(n);
}

function byValue(objective: Objective, value: number, events: number): SliOutcome {
  const breached: Record<string, boolean> = {};
  for (const l of levelsOf(objective)) breached[l.level] = breaches(objective.direction, value, l.value);
  return { status: 'ok', value, events, breached: breached as { target: boolean } };
}

/** Why a count is NaN (promql/counter-increase.ts strict; docs/counting.md). */
export const UNKNOWABLE =
  'a series\' count is unknowable — a scrape gap straddles the window start (the series grew across a gap longer than the presence lookback, restarted inside it, or was born inside it; docs/counting.md)';

/**
 * Computes the SLI from component counts. `quantileValue` is the display value (histogram_quantile) for quantile
 * SLIs; decisions never depend on it.
 */
export function computeSli(objective: Objective, c: Components, quantileValue?: number): SliOutcome {
  const s = objective.sli;
  for (const [name, v] of Object.entries(c)) {
    if (v !== undefined && Number.isNaN(v)) return { status: 'no_data', reason: `component ${name} is NaN: ${UNKNOWABLE}` };
    if (v !== undefined && !Number.isFinite(v)) return { status: 'no_data', reason: `component ${name} is ${String(v)}` };
  }
  switch (s.kind) {
    case 'ratio': {
      if (!finite(c.total)) return { status: 'no_data', reason: 'no total events series in the window' };
      if (c.total <= 0) return { status: 'no_data', reason: 'zero events in the window' };
      const num = c[s.numerator] ?? 0;
      return byValue(objective, num / c.total, c.total);
    }
    case 'average': {
      if (!finite(c.count) || c.count <= 0) return { status: 'no_data', reason: 'zero events in the window' };
      if (!finite(c.sum)) return { status: 'no_data', reason: 'histogram _sum series missing' };
      const scale = unitScale(objective.unit, s.histogram.unit);
      return byValue(objective, c.sum / c.count / scale, c.count);
    }
    case 'perEvent': {
      if (!finite(c.value)) return { status: 'no_data', reason: 'no value series (e.g. cost) in the window' };
      const events = c.events ?? 0;
      if (events <= 0) {
        if (c.value > 0) return byValue(objective, Number.POSITIVE_INFINITY, 0);
        return { status: 'no_data', reason: 'zero events and zero value in the window' };
      }
      return byValue(objective, c.value / events, events);
    }
    case 'zeroTolerance': {
      if (s.population !== undefined && (!finite(c.population) || c.population <= 0)) {
        return { status: 'no_data', reason: 'zero population events (e.g. conversations) in the window' };
      }
      const bad = c.bad ?? 0;
      return byValue(objective, bad, c.population ?? bad);
    }
    case 'quantile': {
      if (!finite(c.count) || c.count <= 0) return { status: 'no_data', reason: 'zero events in the window' };
      const breached: Record<string, boolean> = {};
      for (const l of levelsOf(objective)) {
        const le = c[`le:${l.value}`];
        if (!finite(le)) return { status: 'no_data', reason: missingBucketReason(objective, s.histogram, l.value) };
        breached[l.level] = le / c.count < s.quantile;
      }
      return { status: 'ok', value: quantileValue ?? Number.NaN, events: c.count, breached: breached as { target: boolean } };
    }
  }
}

/**
 * The named error of a histogram threshold (quantile level, or the target of a histogram error budget) that is not a
 * bucket boundary of the recorded histogram: the count below it is unknowable, so the SLI or budget is not evaluated
 * (never "all bad"). Fix: record the histogram with the generated buckets (buckets.json).
 */
export function missingBucketReason(objective: Objective, h: HistogramSelector, threshold: number): string {
  const le = roundBound(threshold * unitScale(objective.unit, h.unit));
  return `missing histogram bucket: ${promHistogram(h.metric).bucket} has no bucket at the threshold ${unitThreshold(objective.unit, threshold)} (le="${String(le)}"); record the histogram with the generated buckets (buckets.json)`;
}

/**
 * A histogram error budget (good = the bucket at its target) whose bucket is missing while there are events: the
 * named reason, else undefined. bad = total − good would otherwise count every event as bad.
 */
export function missingBudgetBucket(objective: Objective, good: number | undefined, total: number | undefined): string | undefined {
  const b = objective.errorBudget;
  if (b?.sli.kind !== 'histogramAbove' || good !== undefined || total === undefined || !(total > 0)) return undefined;
  return missingBucketReason(objective, b.sli.histogram, b.sli.bound);
}

/** Error budget over its window: consumed fraction (1 = exhausted) from bad and total counts. */
export function budgetConsumed(allowed: number, bad: number | undefined, total: number | undefined): { status: 'ok'; consumed: number; badRatio: number } | { status: 'no_data'; reason: string } {
  if (!finite(total) || total <= 0) return { status: 'no_data', reason: 'zero events in the budget window' };
  const b = finite(bad) ? Math.max(0, bad) : 0;
  const badRatio = b / total;
  if (allowed === 0) return { status: 'ok', consumed: b > 0 ? Number.POSITIVE_INFINITY : 0, badRatio };
  return { status: 'ok', consumed: badRatio / allowed, badRatio };
}
