/**
 * The counted inputs ("components") of an objective's rules: the objective's plan (src/sli/queries.ts planObjective,
 * the same plan the gate evaluates) in the profile's own scope. Each component counts over any window; short-window
 * rates are recorded once and every longer window is built from them.
 */
import { LABEL_OBJECTIVE, LABEL_PROFILE } from '../conventions.js';
import { promDuration } from '../format.js';
import type { Objective, Profile } from '../profile/model.js';
import { type BudgetComponents, componentOf, countExpr, type QueryPlan, planObjective, scopeFor } from '../sli/queries.js';
import { recordedCountExpr } from '../sli/recorded.js';
import { RAW_WINDOW_MAX_SECONDS, SHORT_WINDOW_SECONDS } from './windows.js';

export type BudgetRef = BudgetComponents;

/** An objective's plan in the profile's own scope, with the profile's name (the rules' slo_profile label). */
export interface ObjectiveComponents extends QueryPlan {
  readonly profile: string;
}

/** Builds the component list of one objective (pure). */
export function objectiveComponents(profile: Profile, objective: Objective): ObjectiveComponents {
  return { profile: profile.name, ...planObjective(objective, scopeFor(profile, objective)) };
}

/** A component's count over `w` seconds from raw series, without padding (label-free; `le` kept for buckets). */
export function componentCount(c: QueryPlan, name: string, w: number): string {
  return countExpr(componentOf(c, name).source, promDuration(w));
}

/** Label matchers selecting one objective's recorded series. */
export function objectiveMatchers(profile: string, objective: string): string {
  return `${LABEL_PROFILE}="${profile}",${LABEL_OBJECTIVE}="${objective}"`;
}

/** The recording rule expression of a component's short-window rate (per second), padded where a count may be missing. */
export function shortRateExpr(c: ObjectiveComponents, name: string): string {
  return `${paddedCount(c, name, SHORT_WINDOW_SECONDS)} / ${SHORT_WINDOW_SECONDS}`;
}

/** A component's count over `w` from raw series, padded where a count may be missing (what the rules record). */
export function paddedCount(c: QueryPlan, name: string, w: number): string {
  const own = componentCount(c, name, w);
  const pads = componentOf(c, name).padWith;
  if (pads.length === 0) return own;
  return `(${own} or ${pads.map((p) => `${componentCount(c, p, w)} * 0`).join(' or ')})`;
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
