/**
 * Reads what a review needs from Prometheus: each objective's SLI over the period, the previous period, every
 * slice (day/week) and every history month, its error budget over those spans, and the firing `ALERTS` samples.
 * Values come from the shared SLI queries and computation (src/sli/observe.ts, src/sli/compute.ts).
 */
import { type BudgetObservation, evaluateBudget, evaluateWindow, type QueryFn } from '../sli/observe.js';
import type { SliOutcome } from '../sli/compute.js';
import { scopeFor } from '../sli/queries.js';
import type { Objective, Profile } from '../profile/model.js';
import { type AlertSamples, alertsSelector } from './alerts.js';
import type { Period, Span } from './period.js';

export interface SpanValue {
  readonly span: Span;
  readonly outcome: SliOutcome;
  /** Budget consumed over the span (bad ratio / allowed), for objectives with a budget. */
  readonly budget?: BudgetObservation;
}

export interface ObjectiveReviewData {
  readonly objective: Objective;
  readonly period: SpanValue;
  readonly previous: SpanValue;
  readonly slices: readonly SpanValue[];
  readonly history: readonly SpanValue[];
}

export interface ReviewData {
  readonly profile: Profile;
  readonly period: Period;
  readonly objectives: readonly ObjectiveReviewData[];
  readonly alerts: readonly AlertSamples[];
}

/** Raw samples of a range-selector query evaluated at `at`. */
export type AlertFetch = (expr: string, at: number) => Promise<AlertSamples[]>;

export async function collectReview(query: QueryFn, fetchAlerts: AlertFetch, profile: Profile, period: Period): Promise<ReviewData> {
  const objectives = await Promise.all(
    profile.objectives.map(async (objective): Promise<ObjectiveReviewData> => {
      const scope = scopeFor(profile, objective);
      const memo = new Map<string, Promise<SpanValue>>();
      const at = (span: Span): Promise<SpanValue> => {
        const key = `${span.start}:${span.end}`;
        let p = memo.get(key);
        if (p === undefined) {
          const seconds = span.end - span.start;
          p = Promise.all([evaluateWindow(query, objective, seconds, span.end, scope), evaluateBudget(query, objective, seconds, span.end, scope)]).then(
            ([outcome, budget]) => ({ span, outcome, ...(budget === undefined ? {} : { budget }) }),
          );
          memo.set(key, p);
        }
        return p;
      };
      const [p, prev, slices, history] = await Promise.all([
        at(period),
        at(period.previous),
        Promise.all(period.slices.map(at)),
        Promise.all(period.history.map(at)),
      ]);
      return { objective, period: { ...p, span: period }, previous: prev, slices, history };
    }),
  );
  const alerts = await fetchAlerts(alertsSelector(profile.name, period.end - period.start), period.end);
  return { profile, period, objectives, alerts };
}
