/**
 * Model → PromQL for an objective's SLI over one window: the raw event counts ("components") the value is computed
 * from, each a label-free instant vector. The gate evaluates these and computes the verdict in TypeScript
 * (compute.ts); the rule generators record the same components over short windows. One definition, two readers.
 */
import { type Matcher, promHistogram } from '../conventions.js';
import { promDuration, parseDuration } from '../format.js';
import { WINDOW_PLACEHOLDER } from '../profile/promql-check.js';
import { type EventSelector, type HistogramSelector, type Objective, type Profile, thresholdsOf, unitScale } from '../profile/model.js';
import { leRegex } from '../promql/le.js';
import { counterIncrease } from '../promql/counter-increase.js';
import { renderSelector } from '../promql/selector.js';

/** Component names: event counts over the window. `le:<bound>` is a bucket count at a threshold (in the objective's unit). */
export type ComponentName = 'good' | 'bad' | 'total' | 'value' | 'events' | 'population' | 'sum' | 'count' | `le:${number}`;

export interface ComponentQuery {
  readonly name: ComponentName;
  /** PromQL giving one label-free sample: the count (or value sum) over the window. */
  readonly expr: string;
  /** True when this component is the denominator whose absence or zero means "no data". */
  readonly isTotal: boolean;
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
export function windowCount(selector: string, window: string, by: readonly string[] = []): string {
  const seconds = parseDuration(window);
  if (seconds === undefined) throw new Error(`not a duration: ${window}`);
  return counterIncrease(selector, window, promDuration(presenceLookbackSeconds(seconds)), by);
}

/**
 * The count over `window` for series selectors (promql/counter-increase.ts: increase(), and series born in the window
 * counted from zero); user PromQL with `{{window}}` filled in otherwise.
 */
export function eventCountExpr(selector: EventSelector, window: string, scope: QueryScope): string {
  if (selector.kind === 'promql') return `(${selector.expr.replaceAll(WINDOW_PLACEHOLDER, window)})`;
  return windowCount(renderSelector(selector.metric, [...selector.matchers, ...scope.matchers]), window);
}

function bucketAt(h: HistogramSelector, bound: number, window: string, scope: QueryScope): string {
  const sel = renderSelector(promHistogram(h.metric).bucket, [...h.matchers, ...scope.matchers, { label: 'le', op: '=~', value: leRegex(bound) }]);
  return windowCount(sel, window);
}

function histogramPart(h: HistogramSelector, part: 'count' | 'sum', window: string, scope: QueryScope): string {
  return windowCount(renderSelector(promHistogram(h.metric)[part], [...h.matchers, ...scope.matchers]), window);
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

/** Component and display queries for `objective` over `windowSeconds`. */
export function sliQueries(objective: Objective, windowSeconds: number, scope: QueryScope): SliQuerySet {
  const w = promDuration(windowSeconds);
  const s = objective.sli;
  const components: ComponentQuery[] = [];
  let display: string;
  switch (s.kind) {
    case 'ratio': {
      const num = eventCountExpr(s.events, w, scope);
      const total = eventCountExpr(s.total, w, scope);
      components.push({ name: s.numerator, expr: num, isTotal: false }, { name: 'total', expr: total, isTotal: true });
      display = `(${num} or vector(0)) / ${total}`;
      break;
    }
    case 'quantile': {
      const scale = unitScale(objective.unit, s.histogram.unit);
      for (const { value, bound } of histogramBounds(objective, s.histogram)) {
        components.push({ name: `le:${value}`, expr: bucketAt(s.histogram, bound, w, scope), isTotal: false });
      }
      components.push({ name: 'count', expr: histogramPart(s.histogram, 'count', w, scope), isTotal: true });
      const buckets = renderSelector(promHistogram(s.histogram.metric).bucket, [...s.histogram.matchers, ...scope.matchers]);
      display = `histogram_quantile(${s.quantile}, ${windowCount(buckets, w, ['le'])})${scale === 1 ? '' : ` / ${scale}`}`;
      break;
    }
    case 'average': {
      const scale = unitScale(objective.unit, s.histogram.unit);
      const sum = histogramPart(s.histogram, 'sum', w, scope);
      const count = histogramPart(s.histogram, 'count', w, scope);
      components.push({ name: 'sum', expr: sum, isTotal: false }, { name: 'count', expr: count, isTotal: true });
      display = `${sum} / ${count}${scale === 1 ? '' : ` / ${scale}`}`;
      break;
    }
    case 'perEvent': {
      const value = eventCountExpr(s.value, w, scope);
      const events = eventCountExpr(s.events, w, scope);
      components.push({ name: 'value', expr: value, isTotal: false }, { name: 'events', expr: events, isTotal: true });
      display = `${value} / ${events}`;
      break;
    }
    case 'zeroTolerance': {
      const events = eventCountExpr(s.events, w, scope);
      components.push({ name: 'bad', expr: events, isTotal: false });
      if (s.population !== undefined) components.push({ name: 'population', expr: eventCountExpr(s.population, w, scope), isTotal: true });
      display = `${events} or vector(0)`;
      break;
    }
  }
  return { objective: objective.name, windowSeconds, components, display };
}

/** Bad and total event counts for the error budget over `windowSeconds`. */
export function budgetQueries(objective: Objective, windowSeconds: number, scope: QueryScope): { bad: string; total: string; good?: string } | undefined {
  const b = objective.errorBudget;
  if (b === undefined) return undefined;
  const w = promDuration(windowSeconds);
  if (b.sli.kind === 'histogramAbove') {
    const bound = roundBound(b.sli.bound * unitScale(objective.unit, b.sli.histogram.unit));
    const total = histogramPart(b.sli.histogram, 'count', w, scope);
    const good = bucketAt(b.sli.histogram, bound, w, scope);
    return { good, total, bad: `(${total} - (${good} or vector(0)))` };
  }
  const num = eventCountExpr(b.sli.events, w, scope);
  const total = eventCountExpr(b.sli.total, w, scope);
  if (b.sli.numerator === 'bad') return { bad: num, total };
  return { good: num, total, bad: `(${total} - (${num} or vector(0)))` };
}
