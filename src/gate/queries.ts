/**
 * Model → gate query plan (pure). For each objective: the SLI components over the gate window, over each of the
 * N+1 consecutive alert windows (the k-th ends at `at − k × alert window`), the error budget components over the
 * budget window, and the history-coverage probes that say whether the data reaches back far enough.
 *
 * Built in one downward pass from each objective's plan (sli/queries.ts planObjective). Two sources per window: the
 * raw component expressions (the plan rendered over the window) and the recorded component rates of the
 * generated rules, read exactly as the rules read them (sli/recorded.ts: Σ rate × rule interval). The recorded form
 * is only usable when the query scope is the profile's own (no --selector, no --model matcher), because the rules
 * aggregate over the profile's selector, and only for spans the recorded series cover (decided by evaluate.ts).
 */
import { COMPONENT_BUCKETS, LABEL_COMPONENT, LABEL_OBJECTIVE, type Matcher } from '../conventions.js';
import { type Objective, type Profile, unitScale } from '../profile/model.js';
import type { StrictCount } from '../promql/counter-increase.js';
import { isRecordedWindow, recordedCountExpr, recordedCountsExpr, recordedSamplesByObjectiveExpr, ruleIntervalSeconds } from '../sli/recorded.js';
import {
  budgetWindowQueries,
  type ComponentName,
  type QueryPlan,
  planObjective,
  presenceLookbackSeconds,
  type QueryScope,
  scopeFor,
  windowQueries,
} from '../sli/queries.js';

export type CheckKind = 'gate' | 'consecutive' | 'budget';
export type Source = 'raw' | 'recorded';

/** One PromQL expression evaluated at one instant (seconds since the epoch). */
export interface PlannedQuery {
  readonly expr: string;
  readonly time: number;
  /**
   * For queries that answer several objectives or components at once (recorded series): the labels of the one
   * series this result is read from. Without it the answer must hold at most one series.
   */
  readonly pick?: Readonly<Record<string, string>>;
  /** A raw strict count: its inputs, so that a NaN answer is explained (the series and the gap; unknowable.ts). */
  readonly strict?: StrictCount;
}

/** The components of one window, in both sources. */
export interface WindowPlan {
  readonly check: CheckKind;
  /** k for consecutive windows (0 = the window ending at `at`), 0 otherwise. */
  readonly index: number;
  readonly windowSeconds: number;
  /** Evaluation time: the window's end. */
  readonly end: number;
  readonly raw: Readonly<Partial<Record<ComponentName, PlannedQuery>>>;
  readonly recorded?: Readonly<Partial<Record<ComponentName, PlannedQuery>>>;
  /** The component whose absence/zero means "no data" (undefined for zero-tolerance without population). */
  readonly totalComponent?: ComponentName;
  /** Display PromQL of the value over raw series (histogram_quantile for quantiles: display only). */
  readonly display: PlannedQuery;
  /** The same display value from the recorded bucket rates (quantiles only; what the rules record as the SLI). */
  readonly recordedDisplay?: PlannedQuery;
}

/**
 * History coverage for a span ending at `at`. Raw: is there data within `slackSeconds` after `at − seconds`?
 * Recorded: how many rule evaluations lie in the span (× the rule interval = seconds of the span the recorded
 * counts cover; covered when that is at least `seconds − slackSeconds`).
 */
export interface CoveragePlan {
  readonly seconds: number;
  readonly raw?: PlannedQuery;
  readonly recorded?: PlannedQuery;
  readonly slackSeconds: number;
}

export interface ObjectivePlan {
  readonly objective: Objective;
  readonly scope: QueryScope;
  /** True when recorded series can answer for this objective (scope is the profile's own). */
  readonly recordedEligible: boolean;
  readonly gate: WindowPlan;
  readonly consecutive: readonly WindowPlan[];
  readonly budget?: BudgetPlan;
  /** Distinct spans that must be covered by history: gate window, consecutive span, budget window. */
  readonly coverage: readonly CoveragePlan[];
}

export interface BudgetPlan {
  readonly windowSeconds: number;
  readonly allowed: number;
  readonly bad: PlannedQuery;
  readonly total: PlannedQuery;
  /**
   * Histogram budgets: the threshold (objective unit) whose bucket counts the good events, and that count. Without
   * the bucket the budget cannot be evaluated (bad = total − good would count every event as bad).
   */
  readonly bucket?: { readonly threshold: number; readonly good: PlannedQuery };
  /** The same counts from the recorded budget components (when eligible). */
  readonly recorded?: { readonly bad: PlannedQuery; readonly total: PlannedQuery; readonly good?: PlannedQuery };
}

export interface GatePlan {
  readonly profile: Profile;
  readonly at: number;
  readonly selector: readonly Matcher[];
  readonly model?: string;
  readonly objectives: readonly ObjectivePlan[];
}

export interface PlanOptions {
  /** Evaluation time, seconds since the epoch. */
  readonly at: number;
  readonly selector?: readonly Matcher[];
  readonly model?: string;
  /** Only these objectives (default all). */
  readonly objectives?: readonly string[];
}

/**
 * Slack for the coverage probe: 5% of the span, at least 10 minutes (two scrapes of a slow target), at most 1 hour —
 * the same span within which a series counts as present at a window's start (sli/queries.ts presenceLookbackSeconds).
 */
export function coverageSlack(seconds: number): number {
  return presenceLookbackSeconds(seconds);
}

/**
 * A component's event count over `windowSeconds` from the recorded rates, exactly as the generated rules count it
 * (sli/recorded.ts: Σ rate × rule interval).
 */
export function recordedComponentExpr(profile: Profile, objective: Objective, component: ComponentName, windowSeconds: number): string {
  return recordedCountExpr(profile.name, objective, component, windowSeconds);
}

/** The quantile display value from the recorded bucket rates: the rules' own SLI expression for the window. */
function recordedQuantileDisplay(profile: Profile, objective: Objective, windowSeconds: number): string | undefined {
  const s = objective.sli;
  if (s.kind !== 'quantile') return undefined;
  const scale = unitScale(objective.unit, s.histogram.unit);
  const q = `histogram_quantile(${String(s.quantile)}, sum by (le) (${recordedCountExpr(profile.name, objective, COMPONENT_BUCKETS, windowSeconds)}))`;
  return scale === 1 ? q : `${q} / ${String(scale)}`;
}

function windowPlan(profile: Profile, plan: QueryPlan, check: CheckKind, index: number, windowSeconds: number, end: number, eligible: boolean): WindowPlan {
  const objective = plan.objective;
  // Windows up to the recorded short window read raw series, in the rules as here.
  const recorded = eligible && isRecordedWindow(windowSeconds);
  // The gate's windows start at a real boundary: strict counts (docs/counting.md).
  const set = windowQueries(plan, windowSeconds, true);
  const raw: Partial<Record<ComponentName, PlannedQuery>> = {};
  const rec: Partial<Record<ComponentName, PlannedQuery>> = {};
  let totalComponent: ComponentName | undefined;
  // Recorded: one query per profile, rule interval, window and end answers every objective's components
  // (recordedCountsExpr; each value equals the rules' own count, recordedComponentExpr).
  const batch = recordedCountsExpr(profile.name, ruleIntervalSeconds(objective), windowSeconds);
  for (const c of set.components) {
    raw[c.name] = { expr: c.expr, time: end, ...(c.strict !== undefined ? { strict: c.strict } : {}) };
    rec[c.name] = { expr: batch, time: end, pick: { [LABEL_OBJECTIVE]: objective.name, [LABEL_COMPONENT]: c.name } };
    if (c.isTotal) totalComponent = c.name;
  }
  const recDisplay = recorded ? recordedQuantileDisplay(profile, objective, windowSeconds) : undefined;
  return {
    check,
    index,
    windowSeconds,
    end,
    raw,
    ...(recorded ? { recorded: rec } : {}),
    ...(totalComponent !== undefined ? { totalComponent } : {}),
    display: { expr: set.display, time: end },
    ...(recDisplay !== undefined ? { recordedDisplay: { expr: recDisplay, time: end } } : {}),
  };
}

function coveragePlan(profile: Profile, plan: QueryPlan, seconds: number, at: number, recorded: boolean): CoveragePlan {
  const objective = plan.objective;
  const slack = coverageSlack(seconds);
  const probeTime = at - seconds + slack;
  const set = windowQueries(plan, slack);
  const total = set.components.find((c) => c.isTotal) ?? set.components[0];
  return {
    seconds,
    slackSeconds: slack,
    ...(total !== undefined ? { raw: { expr: total.expr, time: probeTime } } : {}),
    ...(recorded ? { recorded: { expr: recordedSamplesByObjectiveExpr(profile.name, seconds), time: at, pick: { [LABEL_OBJECTIVE]: objective.name } } } : {}),
  };
}

function budgetPlan(profile: Profile, plan: QueryPlan, at: number, recorded: boolean): BudgetPlan | undefined {
  const objective = plan.objective;
  const eb = objective.errorBudget;
  if (eb === undefined) return undefined;
  const q = budgetWindowQueries(plan, eb.windowSeconds, true);
  if (q === undefined) return undefined;
  // The recorded components are the rules' (profile scope); read only when the scope is the profile's own.
  const names = recorded ? plan.budget : undefined;
  let rec: BudgetPlan['recorded'];
  if (names !== undefined) {
    const count = (c: string) => recordedCountExpr(profile.name, objective, c, eb.windowSeconds);
    const total = count(names.total);
    const bad = names.bad !== undefined ? count(names.bad) : `(${total} - (${count(names.good ?? '')} or ${total} * 0))`;
    const good = names.bucketAt !== undefined && names.good !== undefined ? { good: { expr: count(names.good), time: at } } : {};
    rec = { bad: { expr: bad, time: at }, total: { expr: total, time: at }, ...good };
  }
  const bucketAt = plan.budget?.bucketAt;
  return {
    windowSeconds: eb.windowSeconds,
    allowed: eb.allowed,
    bad: { expr: q.bad, time: at },
    total: { expr: q.total, time: at },
    ...(bucketAt !== undefined && q.good !== undefined ? { bucket: { threshold: bucketAt, good: { expr: q.good, time: at } } } : {}),
    ...(rec !== undefined ? { recorded: rec } : {}),
  };
}

/** The full plan (pure). */
export function planGate(profile: Profile, opts: PlanOptions): GatePlan {
  const selector = opts.selector ?? [];
  const wanted = opts.objectives === undefined ? undefined : new Set(opts.objectives);
  const objectives = profile.objectives
    .filter((o) => wanted === undefined || wanted.has(o.name))
    .map((objective): ObjectivePlan => {
      const scope = scopeFor(profile, objective, selector, opts.model);
      const sli = planObjective(objective, scope);
      const recordedEligible = scope.matchers.length === profile.selector.length;
      const n = profile.gate.approvalAfterConsecutiveWarnings;
      const alert = objective.windows.alert;
      const consecutive: WindowPlan[] = [];
      for (let k = 0; k <= n; k++) {
        consecutive.push(windowPlan(profile, sli, 'consecutive', k, alert, opts.at - k * alert, recordedEligible));
      }
      const spans = new Set<number>([objective.windows.gate, (n + 1) * alert]);
      const budget = budgetPlan(profile, sli, opts.at, recordedEligible);
      if (budget !== undefined) spans.add(budget.windowSeconds);
      return {
        objective,
        scope,
        recordedEligible,
        gate: windowPlan(profile, sli, 'gate', 0, objective.windows.gate, opts.at, recordedEligible),
        consecutive,
        ...(budget !== undefined ? { budget } : {}),
        coverage: [...spans].sort((a, b) => a - b).map((s) => coveragePlan(profile, sli, s, opts.at, recordedEligible)),
      };
    });
  return { profile, at: opts.at, selector, ...(opts.model !== undefined ? { model: opts.model } : {}), objectives };
}

/** Every distinct query of the plan's raw source (for benchmarks and `--explain`). */
export function rawQueries(plan: GatePlan): PlannedQuery[] {
  const out = new Map<string, PlannedQuery>();
  const add = (q: PlannedQuery | undefined): void => {
    if (q !== undefined) out.set(`${q.time}\u0000${q.expr}`, q);
  };
  for (const o of plan.objectives) {
    for (const c of o.coverage) add(c.raw);
    for (const w of [o.gate, ...o.consecutive]) for (const q of Object.values(w.raw)) add(q);
    add(o.budget?.bad);
    add(o.budget?.total);
    add(o.budget?.bucket?.good);
  }
  return [...out.values()];
}
