/**
 * Chart data for one objective (the UI's detail view and the HTML review): the SLI over time with its thresholds,
 * the error budget burning down over its window, and the burn rates of the burn-rate alerts' windows. Values are
 * computed from range queries of the same component queries the gate and `/api/slo/status` use (src/sli/*), one
 * evaluation per step, so a point of the SLI chart is the value `/api/slo/status` would have shown at that time.
 * The only I/O is the injected `RangeFn`.
 */
import { budgetConsumed, type Components, computeSli, missingBudgetBucket } from '../../sli/compute.js';
import { budgetQueries, type QueryScope, scopeFor, sliQueries } from '../../sli/queries.js';
import { promDuration } from '../../format.js';
import type { Objective, Profile } from '../../profile/model.js';
import { burnRateWindows } from '../../sli/observe.js';
import { type ObjectiveState, stateOf } from '../../sli/state.js';

/** One label-free series of a range query: timestamp (s) → value; `undefined` when the query returned no series. */
export type RangeFn = (expr: string, start: number, end: number, step: number) => Promise<ReadonlyMap<number, number> | undefined>;

/** Points per chart: enough to show a shape at 1280 px, few enough to keep every range query cheap. */
export const CHART_POINTS = 240;

/** A point: [time (s), value or null when the step has no data]. */
export type ChartPoint = readonly [number, number | null];

export interface SliSeries {
  /** The window each point's SLI covers (the alert window: the "current value" of the status). */
  readonly window: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly points: readonly ChartPoint[];
  /** State of each point (same order), from the same code as the status. */
  readonly states: readonly ObjectiveState[];
}

export interface BudgetSeries {
  readonly window: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly allowed: number;
  /**
   * Budget remaining (1 = untouched, ≤ 0 = exhausted) from the start of the window to each point: 1 − (bad events
   * so far) ÷ (allowed × all events of the window). Null for zero-tolerance budgets (any bad event exhausts them).
   */
  readonly points: readonly ChartPoint[];
  /** Bad events so far, per point (same order). */
  readonly badSoFar: readonly ChartPoint[];
  readonly totalEvents: number | null;
}

export interface BurnSeries {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  /** Burn rate (bad ratio ÷ allowed) over each window, keyed by window ("1h"); 1 = burning exactly the budget. */
  readonly windows: Readonly<Record<string, readonly ChartPoint[]>>;
  /** The burn-rate alerts: name, windows, threshold factor and severity. */
  readonly alerts: readonly { readonly name: string; readonly long: string; readonly short: string; readonly burnRate: number; readonly severity: string }[];
}

export interface ObjectiveSeries {
  readonly profile: string;
  readonly objective: string;
  readonly unit: string;
  readonly direction: string;
  readonly target: number;
  readonly warning: number | null;
  readonly critical: number;
  readonly evaluatedAt: string;
  readonly sli: SliSeries;
  readonly budget: BudgetSeries | null;
  readonly burn: BurnSeries | null;
}

/** The SLI chart's time range: 24 alert windows, at least a day, at most the gate window. */
export function sliRangeSeconds(o: Objective): number {
  return Math.min(Math.max(86_400, 24 * o.windows.alert), Math.max(86_400, o.windows.gate));
}

/** Step (whole seconds, ≥ 60) for `points` points over `range`. */
export function stepFor(range: number, points = CHART_POINTS): number {
  return Math.max(60, Math.ceil(range / points));
}

/** Timestamps start, start+step, …, ≤ end (the grid a range query answers on). */
export function grid(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let t = start; t <= end + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

async function sliSeries(range: RangeFn, o: Objective, scope: QueryScope, at: number): Promise<SliSeries> {
  const seconds = sliRangeSeconds(o);
  const step = stepFor(seconds);
  const end = at;
  const start = end - Math.floor(seconds / step) * step;
  const set = sliQueries(o, o.windows.alert, scope);
  const [components, display] = await Promise.all([
    Promise.all(set.components.map((c) => range(c.expr, start, end, step))),
    o.sli.kind === 'quantile' ? range(set.display, start, end, step) : Promise.resolve(undefined),
  ]);
  const points: ChartPoint[] = [];
  const states: ObjectiveState[] = [];
  for (const t of grid(start, end, step)) {
    const c: Components = {};
    set.components.forEach((q, i) => {
      const v = components[i]?.get(t);
      if (v !== undefined) c[q.name] = v;
    });
    const outcome = computeSli(o, c, display?.get(t));
    points.push([t, outcome.status === 'ok' ? finiteOrNull(outcome.value) : null]);
    states.push(stateOf(outcome));
  }
  return { window: promDuration(o.windows.alert), start, end, step, points, states };
}

async function budgetSeries(range: RangeFn, o: Objective, scope: QueryScope, at: number): Promise<BudgetSeries | null> {
  const b = o.errorBudget;
  const windowSeconds = o.windows.budget ?? b?.windowSeconds;
  if (b === undefined || windowSeconds === undefined) return null;
  const step = stepFor(windowSeconds, 120);
  const start = at - Math.floor(windowSeconds / step) * step;
  // Per-step increases over (t − step, t]; their running sums are the bad and total events since the window's start.
  const q = budgetQueries(o, step, scope);
  if (q === undefined) return null;
  const goodQuery = b.sli.kind === 'histogramAbove' ? q.good : undefined;
  const [bad, total, good] = await Promise.all([
    range(q.bad, start + step, at, step),
    range(q.total, start + step, at, step),
    goodQuery === undefined ? undefined : range(goodQuery, start + step, at, step),
  ]);
  const times = grid(start + step, at, step);
  let allTotal = 0;
  for (const t of times) allTotal += Math.max(0, total?.get(t) ?? 0);
  // A histogram budget without the bucket at its target is unknowable (never drawn as all bad).
  const known = b.allowed > 0 && allTotal > 0 && (goodQuery === undefined || times.every((t) => missingBudgetBucket(o, good?.get(t), total?.get(t)) === undefined));
  const points: ChartPoint[] = [[start, known ? 1 : null]];
  const badSoFar: ChartPoint[] = [[start, 0]];
  let cumBad = 0;
  for (const t of times) {
    cumBad += Math.max(0, bad?.get(t) ?? 0);
    badSoFar.push([t, known ? cumBad : null]);
    points.push([t, known ? 1 - cumBad / (b.allowed * allTotal) : null]);
  }
  return { window: promDuration(windowSeconds), start, end: at, step, allowed: b.allowed, points, badSoFar, totalEvents: allTotal > 0 ? allTotal : null };
}

async function burnSeries(range: RangeFn, o: Objective, scope: QueryScope, at: number): Promise<BurnSeries | null> {
  const b = o.errorBudget;
  const windows = burnRateWindows(o);
  if (b === undefined || windows.length === 0) return null;
  const seconds = sliRangeSeconds(o);
  const step = stepFor(seconds);
  const start = at - Math.floor(seconds / step) * step;
  const answers = await Promise.all(
    windows.map(async (w) => {
      const q = budgetQueries(o, w, scope);
      if (q === undefined) return [w, undefined, undefined, undefined] as const;
      const goodQuery = b.sli.kind === 'histogramAbove' ? q.good : undefined;
      const [bad, total, good] = await Promise.all([
        range(q.bad, start, at, step),
        range(q.total, start, at, step),
        goodQuery === undefined ? undefined : range(goodQuery, start, at, step),
      ]);
      return [w, bad, total, goodQuery === undefined ? undefined : (good ?? new Map<number, number>())] as const;
    }),
  );
  const out: Record<string, ChartPoint[]> = {};
  for (const [w, bad, total, good] of answers) {
    out[promDuration(w)] = grid(start, at, step).map((t): ChartPoint => {
      if (good !== undefined && missingBudgetBucket(o, good.get(t), total?.get(t)) !== undefined) return [t, null];
      const r = budgetConsumed(b.allowed, bad?.get(t), total?.get(t));
      return [t, r.status === 'ok' ? finiteOrNull(r.consumed) : null];
    });
  }
  return {
    start,
    end: at,
    step,
    windows: out,
    alerts: b.burnRateAlerts.map((a) => ({ name: a.name, long: promDuration(a.withinSeconds), short: promDuration(a.shortWindowSeconds), burnRate: a.burnRate, severity: a.severity })),
  };
}

/** Every chart series of one objective at `at` (seconds). */
export async function objectiveSeries(range: RangeFn, profile: Profile, o: Objective, at: number): Promise<ObjectiveSeries> {
  const scope = scopeFor(profile, o);
  const [sli, budget, burn] = await Promise.all([sliSeries(range, o, scope, at), budgetSeries(range, o, scope, at), burnSeries(range, o, scope, at)]);
  return {
    profile: profile.name,
    objective: o.name,
    unit: o.unit,
    direction: o.direction,
    target: o.target,
    warning: o.warning?.value ?? null,
    critical: o.critical.value,
    evaluatedAt: new Date(at * 1000).toISOString(),
    sli,
    budget,
    burn,
  };
}
