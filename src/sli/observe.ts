/**
 * Evaluates objectives against Prometheus at one time: the SLI over each of its windows, the error budget and the
 * burn rates. Queries are the shared ones (src/sli/queries.ts) and values are computed by src/sli/compute.ts, so
 * serve, review and the gate agree. The only I/O is the injected `QueryFn`.
 */
import { budgetConsumed, computeSli, type Components, missingBudgetBucket, type SliOutcome } from './compute.js';
import { budgetQueries, type QueryScope, scopeFor, sliQueries } from './queries.js';
import type { Objective, Profile } from '../profile/model.js';

/** One label-free instant value: `undefined` when the query returned no series. */
export type QueryFn = (expr: string, timeSeconds: number) => Promise<number | undefined>;

export type WindowRole = 'alert' | 'gate' | 'target' | 'budget';
export const WINDOW_ROLES: readonly WindowRole[] = ['alert', 'gate', 'target', 'budget'];

export interface WindowObservation {
  readonly seconds: number;
  readonly outcome: SliOutcome;
}

export type BudgetOutcome = ReturnType<typeof budgetConsumed>;

export interface BudgetObservation {
  readonly windowSeconds: number;
  readonly allowed: number;
  readonly bad: number | undefined;
  readonly total: number | undefined;
  readonly outcome: BudgetOutcome;
}

export interface BurnRateObservation {
  readonly seconds: number;
  /** consumed over the window = bad ratio / allowed; the budget is burnt exactly at 1. */
  readonly outcome: BudgetOutcome;
}

export interface ObjectiveObservation {
  readonly profile: string;
  readonly objective: Objective;
  /** Evaluation time, seconds since the epoch. */
  readonly at: number;
  readonly windows: Readonly<Partial<Record<WindowRole, WindowObservation>>>;
  readonly budget?: BudgetObservation;
  readonly burnRates: readonly BurnRateObservation[];
}

/** Runs async jobs with at most `limit` in flight; rejects with the first error. */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  return out;
}

/** The SLI of `objective` over `windowSeconds` ending at `at`. */
export async function evaluateWindow(query: QueryFn, objective: Objective, windowSeconds: number, at: number, scope: QueryScope): Promise<SliOutcome> {
  const set = sliQueries(objective, windowSeconds, scope);
  const displayP = objective.sli.kind === 'quantile' ? query(set.display, at) : Promise.resolve(undefined);
  const [values, display] = await Promise.all([Promise.all(set.components.map((c) => query(c.expr, at))), displayP]);
  const components: Components = {};
  set.components.forEach((c, i) => {
    const v = values[i];
    if (v !== undefined) components[c.name] = v;
  });
  return computeSli(objective, components, display);
}

/** Bad/total over `windowSeconds` → consumed fraction of the budget (or undefined without a budget). */
export async function evaluateBudget(query: QueryFn, objective: Objective, windowSeconds: number, at: number, scope: QueryScope): Promise<BudgetObservation | undefined> {
  const b = objective.errorBudget;
  const q = budgetQueries(objective, windowSeconds, scope);
  if (b === undefined || q === undefined) return undefined;
  // Histogram budgets: their good count (the bucket at the target) too, so a missing bucket is named, never all bad.
  const goodQuery = b.sli.kind === 'histogramAbove' ? q.good : undefined;
  const [bad, total, good] = await Promise.all([query(q.bad, at), query(q.total, at), goodQuery === undefined ? undefined : query(goodQuery, at)]);
  const missing = goodQuery === undefined ? undefined : missingBudgetBucket(objective, good, total);
  return { windowSeconds, allowed: b.allowed, bad, total, outcome: missing !== undefined ? { status: 'no_data', reason: missing } : budgetConsumed(b.allowed, bad, total) };
}

/** Distinct burn-rate windows of an objective (long and short window of every burn-rate alert), shortest first. */
export function burnRateWindows(objective: Objective): number[] {
  const b = objective.errorBudget;
  if (b === undefined || b.allowed === 0) return [];
  const set = new Set<number>();
  for (const a of b.burnRateAlerts) {
    set.add(a.withinSeconds);
    set.add(a.shortWindowSeconds);
  }
  return [...set].sort((x, y) => x - y);
}

export interface ObserveOptions {
  /** Parallel queries (default 8). */
  concurrency?: number;
  /** Extra matchers for every selector (e.g. `--selector`). */
  scope?: (profile: Profile, objective: Objective) => QueryScope;
}

/** Observes every objective of `profile` at `at` (seconds). */
export async function observeProfile(query: QueryFn, profile: Profile, at: number, opts: ObserveOptions = {}): Promise<ObjectiveObservation[]> {
  const jobs: (() => Promise<ObjectiveObservation>)[] = profile.objectives.map((objective) => async () => {
    const scope = opts.scope?.(profile, objective) ?? scopeFor(profile, objective);
    const windows: Partial<Record<WindowRole, WindowObservation>> = {};
    const distinct = new Map<number, Promise<SliOutcome>>();
    for (const role of WINDOW_ROLES) {
      const seconds = objective.windows[role];
      if (seconds !== undefined && !distinct.has(seconds)) distinct.set(seconds, evaluateWindow(query, objective, seconds, at, scope));
    }
    const budgetWindow = objective.windows.budget;
    const budgetP = budgetWindow === undefined ? Promise.resolve(undefined) : evaluateBudget(query, objective, budgetWindow, at, scope);
    const burnP = burnRateWindows(objective).map(async (seconds) => ({ seconds, o: await evaluateBudget(query, objective, seconds, at, scope) }));
    // One Promise.all over everything: every rejection is handled, the first one is reported.
    const [outcomes, budget, burns] = await Promise.all([Promise.all(distinct.values()), budgetP, Promise.all(burnP)]);
    const bySeconds = new Map([...distinct.keys()].map((k, i) => [k, outcomes[i] as SliOutcome]));
    for (const role of WINDOW_ROLES) {
      const seconds = objective.windows[role];
      if (seconds !== undefined) windows[role] = { seconds, outcome: bySeconds.get(seconds) as SliOutcome };
    }
    const burnRates: BurnRateObservation[] = burns.flatMap((b) => (b.o === undefined ? [] : [{ seconds: b.seconds, outcome: b.o.outcome }]));
    return { profile: profile.name, objective, at, windows, ...(budget === undefined ? {} : { budget }), burnRates };
  });
  // Objectives run in parallel; queries inside each one are bounded by the QueryFn's own limiter.
  return pool(jobs, opts.concurrency ?? 8);
}

/** Wraps a query function (instant or range) so that at most `limit` queries are in flight at once. */
export function limitConcurrency<A extends unknown[], R>(query: (...args: A) => Promise<R>, limit: number): (...args: A) => Promise<R> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (...args) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await query(...args);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
