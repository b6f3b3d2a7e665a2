/**
 * Model → query plan of an objective (pure, one downward pass): the counted inputs ("components") its SLI and error
 * budget are computed from, as data (what is counted, independent of the window), and their PromQL over any window.
 * The gate evaluates the components and computes the verdict in TypeScript (compute.ts); the rule generators record
 * the same components over short windows. One plan, two readers: both take `planObjective` and render it.
 */
import { COMPONENT_BUCKETS, COMPONENT_BUDGET_PREFIX, histogramSeries, LABEL_LE, type Matcher } from '../conventions.js';
import { promDuration, parseDuration } from '../format.js';
import { WINDOW_PLACEHOLDER } from '../profile/promql-check.js';
import { type EventSelector, type HistogramSelector, type Objective, type Profile, thresholdsOf, unitScale } from '../profile/model.js';
import { leRegex } from '../promql/le.js';
import { type CountOptions, counterIncrease, type StrictCount } from '../promql/counter-increase.js';
import { renderSelector } from '../promql/selector.js';

/** Component names: event counts over the window. `le:<bound>` is a bucket count at a threshold (in the objective's unit). */
export type ComponentName = 'good' | 'bad' | 'total' | 'value' | 'events' | 'population' | 'sum' | 'count' | `le:${number}`;

export interface ComponentQuery {
  readonly name: ComponentName;
  /** PromQL giving one label-free sample: the count (or value sum) over the window. */
  readonly expr: string;
  /** True when this component is the denominator whose absence or zero means "no data". */
  readonly isTotal: boolean;
  /** A strict count (the gate's): its inputs, to name the series and the gap when the count is NaN. */
  readonly strict?: StrictCount;
}

export interface SliQuerySet {
  readonly objective: string;
  readonly windowSeconds: number;
  readonly components: readonly ComponentQuery[];
  /** PromQL for the SLI value in the objective's unit; for quantiles `histogram_quantile`, display only. */
  readonly display: string;
}

/** What narrows every series selector: the profile's selector, `--selector` matchers, and the model matcher. */
export interface QueryScope {
  readonly matchers: readonly Matcher[];
}

/** Builds the scope for one objective: profile selector + extra matchers + model label when the spec scopes it. */
export function scopeFor(profile: Profile, objective: Objective, extra: readonly Matcher[] = [], model?: string): QueryScope {
  const matchers = [...profile.selector, ...extra];
  if (model !== undefined && objective.modelScoped) matchers.push({ label: profile.gate.modelLabel, op: '=', value: model });
  return { matchers };
}

/**
 * How long a series may have been silent at a window's start and still count as present there
 * (promql/counter-increase.ts); also the gate's history-coverage slack: 5% of the window, 10 min to 1 h.
 */
export function presenceLookbackSeconds(windowSeconds: number): number {
  return Math.min(3600, Math.max(600, Math.round(windowSeconds * 0.05)));
}

/** The count of a counter selection over `window` (a Prometheus duration), with the window's presence lookback. */
export function windowCount(selector: string, window: string, by: readonly string[] = [], count: CountOptions = {}): string {
  const seconds = parseDuration(window);
  if (seconds === undefined) throw new Error(`not a duration: ${window}`);
  return counterIncrease(selector, window, promDuration(presenceLookbackSeconds(seconds)), by, count);
}

/** What a component counts, independent of the window: a counter selection, or user PromQL with `{{window}}`. */
export type CountSource =
  | { readonly kind: 'counter'; readonly selector: string; readonly by: readonly string[] }
  | { readonly kind: 'promql'; readonly template: string };

/** A strict count's inputs (counter sources only: user PromQL is never NaN by this design). */
export function strictCountOf(source: CountSource, window: string, count: CountOptions): StrictCount | undefined {
  const seconds = parseDuration(window);
  if (source.kind !== 'counter' || count.strict !== true || seconds === undefined) return undefined;
  return { selector: source.selector, window, lookback: promDuration(presenceLookbackSeconds(seconds)), opts: count };
}

/** The count of `source` over `window` (a Prometheus duration); `count`: the gate's strict options. */
export function countExpr(source: CountSource, window: string, count: CountOptions = {}): string {
  if (source.kind === 'promql') return `(${source.template.replaceAll(WINDOW_PLACEHOLDER, window)})`;
  return windowCount(source.selector, window, source.by, count);
}

/**
 * Strict count options for a plan's windows (the gate's: its window start is a real boundary; docs/counting.md),
 * probing the denominator `total` (none for a zero-tolerance counter without population, or user PromQL).
 */
function strictCount(plan: QueryPlan, total: string, strict: boolean): CountOptions {
  if (!strict) return {};
  const t = componentOf(plan, total);
  return { strict: true, probe: t.source.kind === 'counter' && (t.isTotal || total !== plan.total) ? t.source.selector : false };
}

function eventSource(selector: EventSelector, scope: QueryScope): CountSource {
  if (selector.kind === 'promql') return { kind: 'promql', template: selector.expr };
  return { kind: 'counter', selector: renderSelector(selector.metric, [...selector.matchers, ...scope.matchers]), by: [] };
}

/**
 * The count over `window` for series selectors (promql/counter-increase.ts: increase(), and series born in the window
 * counted from zero); user PromQL with `{{window}}` filled in otherwise.
 */
export function eventCountExpr(selector: EventSelector, window: string, scope: QueryScope): string {
  return countExpr(eventSource(selector, scope), window);
}

function bucketSource(h: HistogramSelector, bound: number, scope: QueryScope): CountSource {
  return { kind: 'counter', selector: renderSelector(histogramSeries(h.metric).bucket, [...h.matchers, ...scope.matchers, { label: 'le', op: '=~', value: leRegex(bound) }]), by: [] };
}

function histogramSource(h: HistogramSelector, part: 'count' | 'sum', scope: QueryScope): CountSource {
  return { kind: 'counter', selector: renderSelector(histogramSeries(h.metric)[part], [...h.matchers, ...scope.matchers]), by: [] };
}

function sameSource(a: CountSource, b: CountSource): boolean {
  if (a.kind === 'promql') return b.kind === 'promql' && a.template === b.template;
  return b.kind === 'counter' && a.selector === b.selector && a.by.join(',') === b.by.join(',');
}

/** The thresholds of an objective (target, warning, critical) in the histogram's recorded unit. */
export function histogramBounds(objective: Objective, h: HistogramSelector): { value: number; bound: number }[] {
  const scale = unitScale(objective.unit, h.unit);
  const values = [objective.target, ...thresholdsOf(objective).map((t) => t.value)];
  return [...new Set(values)].map((value) => ({ value, bound: roundBound(value * scale) }));
}

/** Removes float noise from unit conversion (8000 ms × 0.001 = 8, not 8.000000000000002). */
export function roundBound(v: number): number {
  return Number.parseFloat(v.toPrecision(12));
}

/** One counted input of an objective. */
export interface PlannedComponent {
  /** Value of the slo_component label: an SLI ComponentName, `buckets`, or `budget_<role>`. */
  readonly name: string;
  readonly source: CountSource;
  /** True for the SLI denominator whose absence or zero means "no data". */
  readonly isTotal: boolean;
  /** Components whose `× 0` stands in for this one when its series is missing (a missing good/bad count is 0). */
  readonly padWith: readonly string[];
}

/** The components an error budget is read from (names in QueryPlan.components); bad = total − good without `bad`. */
export interface BudgetComponents {
  readonly bad?: string;
  readonly good?: string;
  readonly total: string;
  /** Histogram budgets: the threshold (objective unit) whose bucket counts the good events. */
  readonly bucketAt?: number;
}

/**
 * The plan of one objective in a scope: its SLI components (what compute.ts takes), every counted input the rules
 * record (the SLI components, for quantiles all bucket counts, the budget's own components when they count other
 * events than the SLI's), and the budget's components by role.
 */
export interface QueryPlan {
  readonly objective: Objective;
  readonly scope: QueryScope;
  readonly sli: readonly PlannedComponent[];
  readonly components: readonly PlannedComponent[];
  /** The denominator: its absence or zero is "no data" (the first component for zero tolerance without population). */
  readonly total: string;
  readonly budget?: BudgetComponents;
}

function sliComponents(objective: Objective, scope: QueryScope): PlannedComponent[] {
  const s = objective.sli;
  const c = (name: ComponentName, source: CountSource, isTotal = false, padWith: string[] = []): PlannedComponent => ({ name, source, isTotal, padWith });
  switch (s.kind) {
    case 'ratio':
      return [c(s.numerator, eventSource(s.events, scope), false, ['total']), c('total', eventSource(s.total, scope), true)];
    case 'quantile':
      return [
        ...histogramBounds(objective, s.histogram).map(({ value, bound }) => c(`le:${value}`, bucketSource(s.histogram, bound, scope))),
        c('count', histogramSource(s.histogram, 'count', scope), true),
      ];
    case 'average':
      return [c('sum', histogramSource(s.histogram, 'sum', scope)), c('count', histogramSource(s.histogram, 'count', scope), true)];
    case 'perEvent':
      return [c('value', eventSource(s.value, scope), false, ['events']), c('events', eventSource(s.events, scope), true, ['value'])];
    case 'zeroTolerance':
      if (s.population === undefined) return [c('bad', eventSource(s.events, scope))];
      return [c('bad', eventSource(s.events, scope), false, ['population']), c('population', eventSource(s.population, scope), true)];
  }
}

/** Builds the plan of `objective` in `scope` (pure). */
export function planObjective(objective: Objective, scope: QueryScope): QueryPlan {
  const sli = sliComponents(objective, scope);
  const total = sli.find((c) => c.isTotal)?.name ?? sli[0]?.name ?? 'bad';
  const components: PlannedComponent[] = [...sli];
  const s = objective.sli;
  if (s.kind === 'quantile') {
    const buckets = renderSelector(histogramSeries(s.histogram.metric).bucket, [...s.histogram.matchers, ...scope.matchers]);
    components.push({ name: COMPONENT_BUCKETS, source: { kind: 'counter', selector: buckets, by: [LABEL_LE] }, isTotal: false, padWith: [] });
  }
  const b = objective.errorBudget;
  let budget: BudgetComponents | undefined;
  if (b !== undefined) {
    // A budget counting the same events as an SLI component reads that component; else its own `budget_<role>`.
    const add = (role: 'good' | 'bad' | 'total', source: CountSource, padWith: string[]): string => {
      const found = sli.find((c) => sameSource(c.source, source));
      if (found !== undefined) return found.name;
      const name = `${COMPONENT_BUDGET_PREFIX}${role}`;
      components.push({ name, source, isTotal: false, padWith });
      return name;
    };
    if (b.sli.kind === 'histogramAbove') {
      const bound = roundBound(b.sli.bound * unitScale(objective.unit, b.sli.histogram.unit));
      const totalName = add('total', histogramSource(b.sli.histogram, 'count', scope), []);
      budget = { good: add('good', bucketSource(b.sli.histogram, bound, scope), []), total: totalName, bucketAt: b.sli.bound };
    } else {
      const totalName = add('total', eventSource(b.sli.total, scope), []);
      const num = eventSource(b.sli.events, scope);
      budget = b.sli.numerator === 'bad' ? { bad: add('bad', num, [totalName]), total: totalName } : { good: add('good', num, [totalName]), total: totalName };
    }
  }
  return { objective, scope, sli, components, total, ...(budget === undefined ? {} : { budget }) };
}

/** The component `name` of a plan (throws when the objective has none: a programming error). */
export function componentOf(plan: QueryPlan, name: string): PlannedComponent {
  const c = plan.components.find((x) => x.name === name);
  if (c === undefined) throw new Error(`objective ${plan.objective.name} has no component ${name}`);
  return c;
}

/** Component and display queries of a plan over `windowSeconds`. */
export function windowQueries(plan: QueryPlan, windowSeconds: number, strict = false): SliQuerySet {
  const w = promDuration(windowSeconds);
  const objective = plan.objective;
  const opts = strictCount(plan, plan.total, strict);
  const components: ComponentQuery[] = plan.sli.map((c) => {
    const strictCount = strictCountOf(c.source, w, opts);
    return { name: c.name as ComponentName, expr: countExpr(c.source, w, opts), isTotal: c.isTotal, ...(strictCount !== undefined ? { strict: strictCount } : {}) };
  });
  const e = (i: number): string => components[i]?.expr ?? '';
  const s = objective.sli;
  let display: string;
  switch (s.kind) {
    case 'ratio':
      display = `(${e(0)} or vector(0)) / ${e(1)}`;
      break;
    case 'quantile': {
      const scale = unitScale(objective.unit, s.histogram.unit);
      display = `histogram_quantile(${s.quantile}, ${countExpr(componentOf(plan, COMPONENT_BUCKETS).source, w)})${scale === 1 ? '' : ` / ${scale}`}`;
      break;
    }
    case 'average': {
      const scale = unitScale(objective.unit, s.histogram.unit);
      display = `${e(0)} / ${e(1)}${scale === 1 ? '' : ` / ${scale}`}`;
      break;
    }
    case 'perEvent':
      display = `${e(0)} / ${e(1)}`;
      break;
    case 'zeroTolerance':
      display = `${e(0)} or vector(0)`;
      break;
  }
  return { objective: objective.name, windowSeconds, components, display };
}

/** Component and display queries for `objective` over `windowSeconds`. */
export function sliQueries(objective: Objective, windowSeconds: number, scope: QueryScope): SliQuerySet {
  return windowQueries(planObjective(objective, scope), windowSeconds);
}

/** Bad and total event counts of a plan's error budget over `windowSeconds` (bad = total − good when counting good). */
export function budgetWindowQueries(plan: QueryPlan, windowSeconds: number, strict = false): { bad: string; total: string; good?: string } | undefined {
  const b = plan.budget;
  if (b === undefined) return undefined;
  const w = promDuration(windowSeconds);
  const opts = strictCount(plan, b.total, strict);
  const count = (name: string): string => countExpr(componentOf(plan, name).source, w, opts);
  const total = count(b.total);
  if (b.bad !== undefined) return { bad: count(b.bad), total };
  const good = count(b.good ?? b.total);
  return { good, total, bad: `(${total} - (${good} or vector(0)))` };
}

/** Bad and total event counts for the error budget over `windowSeconds`. */
export function budgetQueries(objective: Objective, windowSeconds: number, scope: QueryScope): { bad: string; total: string; good?: string } | undefined {
  return budgetWindowQueries(planObjective(objective, scope), windowSeconds);
}
