/**
 * The recorded component series, one definition for both readers: the rule generator (src/generate) records, per
 * objective, the per-second rate of each SLI component over RECORDED_RATE_WINDOW_SECONDS (RECORD_COMPONENT_RATE),
 * evaluated every ruleIntervalSeconds(objective); the count of a component over a longer window is the sum of
 * those rates times the interval (consecutive rates partition time, so counts are summed, never averaged, and a
 * missing evaluation adds nothing instead of NaN). The gate reads the very same expression, so a value the gate
 * computes from recorded series equals what the rules record (`agent_slo:events`, `agent_slo:sli`) — except over
 * windows of 7 days and more, where the rules read the hourly roll-up (rollupCountExpr: at most one hour's slice
 * swapped, docs/counting.md "Hourly roll-up") and the gate keeps the exact sum.
 *
 * `recordedCoverageSeconds` is the matching notion of coverage: the recorded sum over W holds
 * samples × interval seconds of events, so that is how much of W the recorded series cover.
 */
import { COMPONENT_BUCKETS, COMPONENT_FROM, LABEL_COMPONENT, LABEL_OBJECTIVE, LABEL_PROFILE, MARKER_COMPONENTS, type Matcher, RECORD_COMPONENT_RATE, RECORD_COMPONENT_ROLLUP } from '../conventions.js';
import { renderSelector } from '../promql/selector.js';
import { windowUnknowable } from './gap-marker.js';
import type { Objective } from '../profile/model.js';

/** Length of the recorded short window (RECORD_SHORT_WINDOW) in seconds. */
export const RECORDED_RATE_WINDOW_SECONDS = 300;

/** Windows longer than the recorded short window are counted from the recorded rates; shorter ones read raw series. */
export function isRecordedWindow(windowSeconds: number): boolean {
  return windowSeconds > RECORDED_RATE_WINDOW_SECONDS;
}

/**
 * Evaluation interval of an objective's rule group (set explicitly on the group). Objectives whose alert window is
 * at most 1h are evaluated every 1m; longer alert windows every 5m, where consecutive 5m rates partition time
 * exactly and a 30d window reads 8,640 samples instead of 43,200.
 */
export function ruleIntervalSeconds(objective: Objective): number {
  return objective.windows.alert <= 3600 ? 60 : 300;
}

function componentSelector(record: string, profile: string, objective: string, component?: string): string {
  const matchers: Matcher[] = [
    { label: LABEL_PROFILE, op: '=', value: profile },
    { label: LABEL_OBJECTIVE, op: '=', value: objective },
  ];
  // Every component, or one; never the gap markers (times, not counts: sli/gap-marker.ts).
  matchers.push(component !== undefined ? { label: LABEL_COMPONENT, op: '=', value: component } : { label: LABEL_COMPONENT, op: '!~', value: MARKER_COMPONENTS });
  return renderSelector(record, matchers);
}

/** `agent_slo:component:rate5m{slo_profile=…,slo_objective=…[,slo_component=…]}`. */
export function recordedRateSelector(profile: string, objective: string, component?: string): string {
  return componentSelector(RECORD_COMPONENT_RATE, profile, objective, component);
}

/**
 * Range of a long window over recorded samples: W − 1s. Prometheus 2 ranges include both ends, so `[W]` over samples
 * every interval holds one sample too many (a whole extra 5m at 5m intervals); `W − 1s` holds exactly W/interval
 * samples in Prometheus 2, Prometheus 3 (left-open ranges) and VictoriaMetrics alike.
 */
export function recordedRange(windowSeconds: number): string {
  let rest = windowSeconds - 1;
  let out = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${String(n)}${unit}`;
    rest -= n * size;
  }
  return out;
}

/**
 * A component's event count over `windowSeconds` from its recorded rates: Σ rate × interval over recordedRange.
 * One instant vector labelled slo_profile and slo_objective (and `le` for the bucket component).
 */
export function recordedCountExpr(profile: string, objective: Objective, component: string, windowSeconds: number): string {
  const sel = recordedRateSelector(profile, objective.name, component);
  return `(sum without (${LABEL_COMPONENT}) (sum_over_time(${sel}[${recordedRange(windowSeconds)}])) * ${String(ruleIntervalSeconds(objective))})`;
}

/**
 * PromQL giving the number of recorded evaluations over `windowSeconds` (the most of any component series); times
 * the interval (recordedCoverageSeconds) it is the part of the window the recorded counts cover.
 */
export function recordedSamplesExpr(profile: string, objective: Objective, windowSeconds: number): string {
  return `max(count_over_time(${recordedRateSelector(profile, objective.name)}[${recordedRange(windowSeconds)}]))`;
}

/** Seconds of a window covered by `samples` recorded evaluations (at most the window). */
export function recordedCoverageSeconds(objective: Objective, samples: number, windowSeconds: number): number {
  return Math.min(windowSeconds, Math.max(0, Math.floor(samples)) * ruleIntervalSeconds(objective));
}

/**
 * Every recorded component count of every objective of `profile` whose group runs every `intervalSeconds`, over
 * `windowSeconds`, in one query: one series per (slo_objective, slo_component). For each pair the value is exactly
 * recordedCountExpr's (the same Σ rate × interval over the same range; the `sum by` adds up the same series the
 * `sum without (slo_component)` of one component does). The bucket component (one series per `le`) and the gap markers are left out.
 */
export function recordedCountsExpr(profile: string, intervalSeconds: number, windowSeconds: number): string {
  const sel = renderSelector(RECORD_COMPONENT_RATE, [
    { label: LABEL_PROFILE, op: '=', value: profile },
    { label: LABEL_COMPONENT, op: '!~', value: `${COMPONENT_BUCKETS}|${MARKER_COMPONENTS}` },
  ]);
  return `sum by (${LABEL_OBJECTIVE}, ${LABEL_COMPONENT}) (sum_over_time(${sel}[${recordedRange(windowSeconds)}])) * ${String(intervalSeconds)}`;
}

/** Value of recordedSamplesByObjectiveExpr for an objective whose window a gap in its data straddles. */
export const RECORDED_GAP_AT_START = -1;

/**
 * recordedSamplesExpr for every objective of `profile` at once: one series per slo_objective; RECORDED_GAP_AT_START
 * where a gap marker says the recorded counts over the window may hold events from before its start
 * (sli/gap-marker.ts): then the recorded series do not cover it, whatever their sample count.
 */
export function recordedSamplesByObjectiveExpr(profile: string, windowSeconds: number): string {
  const sel = renderSelector(RECORD_COMPONENT_RATE, [
    { label: LABEL_PROFILE, op: '=', value: profile },
    { label: LABEL_COMPONENT, op: '!~', value: MARKER_COMPONENTS },
  ]);
  const from = renderSelector(RECORD_COMPONENT_RATE, [
    { label: LABEL_PROFILE, op: '=', value: profile },
    { label: LABEL_COMPONENT, op: '=', value: COMPONENT_FROM },
  ]);
  const range = recordedRange(windowSeconds);
  const gap = windowUnknowable(`min by (${LABEL_OBJECTIVE}) (min_over_time(${from}[${range}]))`, windowSeconds);
  return `max by (${LABEL_OBJECTIVE}) (count_over_time(${sel}[${range}])) unless on(${LABEL_OBJECTIVE}) ${gap} or on(${LABEL_OBJECTIVE}) (${gap} * 0 + ${String(RECORDED_GAP_AT_START)})`;
}

/** The roll-up period (RECORD_COMPONENT_ROLLUP): one sample per hour. */
export const ROLLUP_SECONDS = 3600;
/** Windows from this length on (and whole hours) are counted from the hourly roll-up in the rules. */
export const ROLLUP_MIN_WINDOW_SECONDS = 7 * 86_400;
/** Label telling the roll-up hours from the rolling last hour inside a roll-up count (summed away: never recorded). */
export const ROLLUP_PART_LABEL = 'slo_rollup_part';

/** True when the rules count a window of `windowSeconds` from the hourly roll-up. */
export function isRollupWindow(windowSeconds: number): boolean {
  return windowSeconds >= ROLLUP_MIN_WINDOW_SECONDS && windowSeconds % ROLLUP_SECONDS === 0;
}

/**
 * The roll-up rule of an objective: every component's count over the last hour (Σ rate × interval over [1h − 1s]),
 * kept only at the group's first evaluation of each hour (`minute() < interval`: exactly one evaluation per hour
 * whatever the group's phase), so consecutive samples are one hour apart and their hours partition time.
 */
export function rollupExpr(profile: string, objective: Objective): string {
  const interval = ruleIntervalSeconds(objective);
  return `sum_over_time(${recordedRateSelector(profile, objective.name)}[${recordedRange(ROLLUP_SECONDS)}]) * ${String(interval)} and on() (minute() < ${String(interval / 60)})`;
}

/**
 * A component's count over a roll-up window W in the rules: Σ of the hourly samples in (t − W + 1h, t] (whole hours
 * up to the last roll-up t_h) plus the rolling last hour (t − 1h, t] from the 5m rates. That is the window
 * (t_h − W + 1h, t] with the slice (t − 1h, t_h] counted twice in place of the window's first slice of the same
 * length (t − W, t_h − W + 1h]: never an event from before the window; at most one hour's events swapped
 * (docs/counting.md "Hourly roll-up"). Either part alone when the other has no sample.
 */
export function rollupCountExpr(profile: string, objective: Objective, component: string, windowSeconds: number): string {
  const hours = componentSelector(RECORD_COMPONENT_ROLLUP, profile, objective.name, component);
  const rates = recordedRateSelector(profile, objective.name, component);
  return (
    `(sum without (${LABEL_COMPONENT}, ${ROLLUP_PART_LABEL}) (label_replace(sum_over_time(${hours}[${recordedRange(windowSeconds - ROLLUP_SECONDS)}]), "${ROLLUP_PART_LABEL}", "hours", "", "")` +
    ` or sum_over_time(${rates}[${recordedRange(ROLLUP_SECONDS)}]) * ${String(ruleIntervalSeconds(objective))}))`
  );
}

/**
 * Roll-up hours in a window of `windowSeconds` (the most of any component): W/1h − 1 when no hourly evaluation was
 * missed; each one short is an hour left out of the rules' long-window counts (docs/counting.md "Hourly roll-up").
 */
export function rollupCoverageExpr(profile: string, objective: string, windowSeconds: number): string {
  return `max(count_over_time(${componentSelector(RECORD_COMPONENT_ROLLUP, profile, objective)}[${recordedRange(windowSeconds - ROLLUP_SECONDS)}]))`;
}
