/**
 * The internal model every generator, the gate and the services read. Built from the wire format by map.ts and
 * checked by validate.ts; all durations are seconds, all defaults resolved, all signals turned into selectors.
 */
import type { Matcher, MetricNaming, PrometheusVersion } from '../conventions.js';

export type Direction = 'higher_is_better' | 'lower_is_better';
export type Unit = 'ratio' | 's' | 'ms' | 'By' | 'MB' | 'GB' | 'USD' | 'events';
export type HistogramUnit = 's' | 'ms' | 'By';

/** Events counted by `increase()` of a counter selection, or by user PromQL with a `{{window}}` placeholder. */
export type EventSelector =
  | { readonly kind: 'series'; readonly metric: string; readonly matchers: readonly Matcher[]; readonly signal?: string }
  | { readonly kind: 'promql'; readonly expr: string };

export interface HistogramSelector {
  /** Base name; `_bucket`, `_count`, `_sum` are appended. */
  readonly metric: string;
  readonly matchers: readonly Matcher[];
  readonly unit: HistogramUnit;
  readonly signal?: string;
}

export type Sli =
  /** value = good/total (or bad/total); a missing good/bad series counts as 0 while total exists. */
  | { readonly kind: 'ratio'; readonly numerator: 'good' | 'bad'; readonly events: EventSelector; readonly total: EventSelector }
  /** value = the quantile; thresholds are decided from bucket fractions at the threshold boundary. */
  | { readonly kind: 'quantile'; readonly histogram: HistogramSelector; readonly quantile: number }
  /** value = sum / count of a per-event histogram. */
  | { readonly kind: 'average'; readonly histogram: HistogramSelector }
  /** value = increase(value) / increase(events); cost > 0 with zero events is +Inf. */
  | { readonly kind: 'perEvent'; readonly value: EventSelector; readonly events: EventSelector }
  /** value = number of bad events in the window; any event breaches. */
  | { readonly kind: 'zeroTolerance'; readonly events: EventSelector; readonly population?: EventSelector };

export type SliKind = Sli['kind'];

/**
 * Stand-ins for an event source or SLI the mapper could not read (its problem is already reported there): the
 * semantic checks recognise them by identity and skip what depends on them, so a missing SLI kind does not add
 * problems about a zero-tolerance SLI nobody wrote.
 */
export const UNMAPPED_EVENTS: EventSelector = { kind: 'promql', expr: 'vector(0)' };
export const UNMAPPED_SLI: Sli = { kind: 'zeroTolerance', events: UNMAPPED_EVENTS };
export type Level = 'warning' | 'critical';

export interface Threshold {
  readonly level: Level;
  /** In the objective's unit. */
  readonly value: number;
  readonly forSeconds: number;
  readonly severity: string;
}

export interface Windows {
  /** Window of the warning/critical alerts and of the consecutive-window check. */
  readonly alert: number;
  /** Window the gate evaluates the critical threshold over. */
  readonly gate: number;
  /** Window the target is stated over (reporting). */
  readonly target: number;
  /** Error budget window, when the objective has a budget. */
  readonly budget?: number;
}

export interface BurnRateAlert {
  readonly name: string;
  /** Fraction of the whole budget consumed within `withinSeconds` that fires the alert. */
  readonly consumed: number;
  readonly withinSeconds: number;
  readonly shortWindowSeconds: number;
  readonly severity: string;
  /** consumed × budget window / within. */
  readonly burnRate: number;
  readonly standard: boolean;
}

export interface ErrorBudget {
  /** Fraction of events that may be bad over the budget window (0 = zero tolerance). */
  readonly allowed: number;
  readonly windowSeconds: number;
  /** Bad events for the budget; for histogram SLIs, events above the target threshold. */
  readonly sli: Extract<Sli, { kind: 'ratio' }> | { readonly kind: 'histogramAbove'; readonly histogram: HistogramSelector; readonly bound: number };
  readonly burnRateAlerts: readonly BurnRateAlert[];
  readonly onExhausted: 'freeze' | 'alert';
  readonly exhaustedSeverity: string;
}

export type Escalation =
  | { readonly kind: 'delay'; readonly to: string; readonly afterSeconds: number; readonly severity: string }
  | { readonly kind: 'immediate'; readonly to: string; readonly severity: string }
  | {
      readonly kind: 'condition';
      readonly to: string;
      readonly events: EventSelector;
      readonly above: number;
      readonly windowSeconds: number;
      readonly severity: string;
    };

export interface Objective {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly direction: Direction;
  readonly unit: Unit;
  readonly target: number;
  readonly warning?: Threshold;
  readonly critical: Threshold;
  readonly windows: Windows;
  readonly sli: Sli;
  /** Active only when its inputs exist (shadow mode); inactive objectives are skipped, never paged as no-data. */
  readonly activeOnlyWithData: boolean;
  /** `--model` adds a matcher on the profile's model label to this objective's series. */
  readonly modelScoped: boolean;
  /** Minimum events in an alert window before a threshold alert may fire. */
  readonly minEvents: number;
  readonly owner: string;
  readonly team: string;
  readonly channel: string;
  readonly escalation?: Escalation;
  readonly runbookUrl: string;
  /** Gauge name `agent-slo serve` exports the current value under. */
  readonly statusMetric?: string;
  readonly errorBudget?: ErrorBudget;
}

export interface GatePolicy {
  readonly blockOnCritical: boolean;
  /** Approval is required when more than this many consecutive alert windows breach the warning level. */
  readonly approvalAfterConsecutiveWarnings: number;
  readonly freezeOnBudgetExhausted: boolean;
  readonly modelLabel: string;
}

export interface Notifications {
  readonly slackApiUrlFile?: string;
  readonly webhookUrlEnv?: string;
  /** Severities that additionally page the owner. */
  readonly pageSeverities: readonly string[];
  readonly groupWaitSeconds: number;
  readonly repeatIntervalSeconds: number;
}

export interface Profile {
  readonly apiVersion: string;
  readonly name: string;
  readonly title: string;
  readonly service: string;
  readonly description: string;
  readonly source?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Matchers added to every series selector (not to user PromQL). */
  readonly selector: readonly Matcher[];
  /** How the pipeline in front of Prometheus names the instrumentation's metrics (signals are already resolved). */
  readonly metricNames: MetricNaming;
  /** The Prometheus major version the rules and queries target. */
  readonly prometheusVersion: PrometheusVersion;
  readonly gate: GatePolicy;
  readonly notifications: Notifications;
  /** Where the generated dashboard is written besides dashboards/<profile>/<profile>.json. */
  readonly dashboards: { readonly extraPaths: readonly string[] };
  readonly objectives: readonly Objective[];
  /** The file(s) it was loaded from. */
  readonly files: readonly string[];
}

/** The threshold levels an objective has, warning first. */
export function thresholdsOf(objective: Objective): readonly Threshold[] {
  return objective.warning === undefined ? [objective.critical] : [objective.warning, objective.critical];
}

/** Every level an objective is judged against, target first: the target, then warning (when set) and critical. */
export function levelsOf(objective: Objective): readonly { readonly level: Level | 'target'; readonly value: number }[] {
  return [{ level: 'target', value: objective.target }, ...thresholdsOf(objective).map((t) => ({ level: t.level, value: t.value }))];
}

/** The level values by name (reports). */
export interface LevelValues {
  readonly target: number;
  readonly warning?: number;
  readonly critical: number;
}

export function levelValues(objective: Objective): LevelValues {
  return Object.fromEntries(levelsOf(objective).map((l) => [l.level, l.value])) as unknown as LevelValues;
}

/** True when `value` breaches `threshold` in the objective's direction (strict: the threshold itself is fine). */
export function breaches(direction: Direction, value: number, threshold: number): boolean {
  return direction === 'higher_is_better' ? value < threshold : value > threshold;
}

/** Multiplier from the objective's unit to the histogram's recorded unit (e.g. ms → s is 0.001). */
export function unitScale(objectiveUnit: Unit, histogramUnit: HistogramUnit): number {
  const base: Record<Unit | HistogramUnit, number> = {
    ratio: 1,
    events: 1,
    USD: 1,
    s: 1,
    ms: 0.001,
    By: 1,
    MB: 1e6,
    GB: 1e9,
  };
  return base[objectiveUnit] / base[histogramUnit];
}
