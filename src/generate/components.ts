/**
 * The counted inputs ("components") of an objective's rules: the SLI components of src/sli/queries.ts (the same
 * definitions the gate evaluates), the error-budget components, and for quantiles all bucket rates. Each has an
 * expression over any window; short-window rates are recorded once and every longer window is built from them.
 */
import {
  COMPONENT_BUCKETS,
  COMPONENT_BUDGET_PREFIX,
  LABEL_LE,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  promHistogram,
} from '../conventions.js';
import { renderSelector } from '../promql/selector.js';
import { promDuration } from '../format.js';
import type { Objective, Profile } from '../profile/model.js';
import { budgetQueries, type QueryScope, scopeFor, sliQueries, windowCount } from '../sli/queries.js';
import { recordedCountExpr } from '../sli/recorded.js';
import { RAW_WINDOW_MAX_SECONDS, SHORT_WINDOW_SECONDS } from './windows.js';

export interface ComponentDef {
  /** Value of the slo_component label. */
  readonly name: string;
  /** Count over a window (label-free instant vector; `le` kept for the bucket component). */
  countExpr(windowSeconds: number): string;
  /** Components whose `× 0` stands in for this one when its series is missing (a missing good/bad count is 0). */
  readonly padWith: readonly string[];
}

export interface BudgetRef {
  /** Component counting bad events, or undefined when bad = total − good. */
  readonly bad?: string;
  readonly good?: string;
  readonly total: string;
}

export interface ObjectiveComponents {
  readonly profile: string;
  readonly objective: Objective;
  readonly scope: QueryScope;
  readonly list: readonly ComponentDef[];
  /** The denominator: its absence or zero is "no data". */
  readonly total: string;
  readonly budget?: BudgetRef;
}

function fromQuery(name: string, objective: Objective, scope: QueryScope, pick: (w: number) => string, padWith: string[] = []): ComponentDef {
  void objective;
  void scope;
  return { name, countExpr: pick, padWith };
}

/** Builds the component list of one objective (pure). */
export function objectiveComponents(profile: Profile, objective: Objective): ObjectiveComponents {
  const scope = scopeFor(profile, objective);
  const at = (w: number) => sliQueries(objective, w, scope).components;
  const sliNames = at(SHORT_WINDOW_SECONDS).map((c) => c.name);
  const total = at(SHORT_WINDOW_SECONDS).find((c) => c.isTotal)?.name ?? sliNames[0] ?? 'bad';
  const list: ComponentDef[] = [];
  const s = objective.sli;
  for (const name of sliNames) {
    let pad: string[] = [];
    if ((s.kind === 'ratio' && name !== 'total') || (s.kind === 'zeroTolerance' && name === 'bad' && s.population !== undefined)) pad = [total];
    if (s.kind === 'perEvent') pad = [name === 'value' ? 'events' : 'value'];
    list.push(fromQuery(name, objective, scope, (w) => at(w).find((c) => c.name === name)?.expr ?? 'vector(0)', pad));
  }
  if (s.kind === 'quantile') {
    const buckets = renderSelector(promHistogram(s.histogram.metric).bucket, [...s.histogram.matchers, ...scope.matchers]);
    list.push({ name: COMPONENT_BUCKETS, countExpr: (w) => windowCount(buckets, promDuration(w), [LABEL_LE]), padWith: [] });
  }
  let budget: BudgetRef | undefined;
  const b = budgetQueries(objective, SHORT_WINDOW_SECONDS, scope);
  if (b !== undefined) {
    const existing = (expr: string) => at(SHORT_WINDOW_SECONDS).find((c) => c.expr === expr)?.name;
    const add = (role: 'good' | 'bad' | 'total', expr: string, pad: string[]): string => {
      const found = existing(expr);
      if (found !== undefined) return found;
      const name = `${COMPONENT_BUDGET_PREFIX}${role}`;
      list.push(fromQuery(name, objective, scope, (w) => budgetQueries(objective, w, scope)?.[role] ?? 'vector(0)', pad));
      return name;
    };
    const totalName = add('total', b.total, []);
    const isHistogram = objective.errorBudget?.sli.kind === 'histogramAbove';
    if (b.good !== undefined) budget = { good: add('good', b.good, isHistogram ? [] : [totalName]), total: totalName };
    else budget = { bad: add('bad', b.bad, [totalName]), total: totalName };
  }
  return { profile: profile.name, objective, scope, list, total, ...(budget === undefined ? {} : { budget }) };
}

function get(c: ObjectiveComponents, name: string): ComponentDef {
  const d = c.list.find((x) => x.name === name);
  if (d === undefined) throw new Error(`objective ${c.objective.name} has no component ${name}`);
  return d;
}

/** Label matchers selecting one objective's recorded series. */
export function objectiveMatchers(profile: string, objective: string): string {
  return `${LABEL_PROFILE}="${profile}",${LABEL_OBJECTIVE}="${objective}"`;
}

/** The recording rule expression of a component's short-window rate (per second), padded where a count may be missing. */
export function shortRateExpr(c: ObjectiveComponents, name: string): string {
  return `${paddedCount(c, name, SHORT_WINDOW_SECONDS)} / ${SHORT_WINDOW_SECONDS}`;
}

function paddedCount(c: ObjectiveComponents, name: string, w: number): string {
  const d = get(c, name);
  const own = d.countExpr(w);
  if (d.padWith.length === 0) return own;
  return `(${own} or ${d.padWith.map((p) => `${get(c, p).countExpr(w)} * 0`).join(' or ')})`;
}

/**
 * Events counted over `w` seconds, as an instant vector. Windows up to 5m read the raw series; longer windows sum
 * the recorded 5m rates: Σ rate(t) · interval over the window (counts are summed, ratios are never averaged; a
 * missing sample adds nothing instead of turning the window into NaN). The long form carries the labels
 * slo_profile and slo_objective (and `le` for buckets); the raw form is label-free.
 */
export function countAt(c: ObjectiveComponents, name: string, w: number): string {
  if (w <= RAW_WINDOW_MAX_SECONDS) return paddedCount(c, name, w);
  // One definition shared with the gate (src/sli/recorded.ts): Σ rate × interval over [W − 1s].
  return recordedCountExpr(c.profile, c.objective, name, w);
}

/**
 * Range of a long window over recorded samples: W − 1s (Prometheus 2 ranges include both ends; see
 * src/sli/recorded.ts, where it is defined).
 */
export { recordedRange } from '../sli/recorded.js';

/** True when countAt(w) yields label-free vectors (raw form). */
export function isRawWindow(w: number): boolean {
  return w <= RAW_WINDOW_MAX_SECONDS;
}
