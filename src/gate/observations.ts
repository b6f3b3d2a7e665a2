/**
 * What the evaluator observed for a plan: one result per planned query. Pure data, the input of policy.ts.
 */
import type { ComponentName } from '../sli/queries.js';
import type { CoveragePlan, ObjectivePlan, PlannedQuery, Source, WindowPlan } from './queries.js';

/**
 * A query's outcome. `value` undefined means an empty vector (no series). Any answer that cannot be trusted
 * (error, timeout, warnings, partial, wrong type, several samples) is an `error` with a user-facing reason.
 */
export type QueryResult =
  | {
      readonly status: 'ok';
      readonly value: number | undefined;
      /** A NaN count of a strict window: which series are unknowable and across which gap (gate/unknowable.ts). */
      readonly unknowable?: string;
    }
  | { readonly status: 'error'; readonly reason: string };

/**
 * The component computeSli reports a window as no data for (the first count that is not a finite number:
 * sli/compute.ts), when that count is NaN: an unknowable strict count. The evaluator explains this one, the policy
 * reports the explanation.
 */
export function unknowableComponent(components: Readonly<Partial<Record<ComponentName, QueryResult>>>): ComponentName | undefined {
  for (const [name, r] of Object.entries(components) as [ComponentName, QueryResult | undefined][]) {
    if (r?.status === 'ok' && r.value !== undefined && !Number.isFinite(r.value)) return Number.isNaN(r.value) ? name : undefined;
  }
  return undefined;
}

export interface WindowObservation {
  readonly plan: WindowPlan;
  readonly source: Source;
  readonly components: Readonly<Partial<Record<ComponentName, QueryResult>>>;
  /** The display value (quantile SLIs only). */
  readonly display?: QueryResult;
}

export interface CoverageObservation {
  readonly plan: CoveragePlan;
  readonly source: Source;
  readonly query: PlannedQuery;
  /** ok with a value: some data at the span's start; ok without value: the history starts later. */
  readonly result: QueryResult;
}

export interface ObjectiveObservation {
  readonly plan: ObjectivePlan;
  /** Source used for the SLI windows. */
  readonly source: Source;
  /** Why this source: e.g. "recorded series do not cover 7d; raw expressions evaluated". */
  readonly sourceNote: string;
  readonly coverage: readonly CoverageObservation[];
  readonly gate: WindowObservation;
  readonly consecutive: readonly WindowObservation[];
  /**
   * Error budget counts; `source` says which queries of the budget plan answered (default raw). `good`: the bucket
   * count of a histogram budget (BudgetPlan.bucket).
   */
  readonly budget?: { readonly bad: QueryResult; readonly total: QueryResult; readonly good?: QueryResult; readonly source?: Source };
}
