/**
 * Bounds on the numbers a spec may hold, so that a spec that validates always generates rules Prometheus loads and a
 * gate that finishes: windows long enough to hold samples and short enough to query, counts the gate can plan.
 */

const MINUTE = 60;
const DAY = 86_400;

/** An inclusive range of seconds, and what the duration is (for messages). */
export interface DurationRange {
  readonly min: number;
  readonly max: number;
  readonly what: string;
}

/** SLI windows (alert, gate, target, budget, burn-rate and escalation windows): a range selector over them. */
export const WINDOW_RANGE: DurationRange = { min: MINUTE, max: 365 * DAY, what: 'a window (it becomes a PromQL range selector and must hold scrapes)' };
/** `for` of an alert. */
export const FOR_RANGE: DurationRange = { min: 0, max: 365 * DAY, what: 'an alert `for`' };
/** Escalation delay (the `for` of the escalation alert). */
export const DELAY_RANGE: DurationRange = { min: 0, max: 365 * DAY, what: 'an escalation delay' };
/** Alertmanager group_wait. */
export const GROUP_WAIT_RANGE: DurationRange = { min: 0, max: DAY, what: "Alertmanager's group_wait" };
/** Alertmanager repeat_interval (Alertmanager refuses zero). */
export const REPEAT_INTERVAL_RANGE: DurationRange = { min: MINUTE, max: 365 * DAY, what: "Alertmanager's repeat_interval" };

/** `gate.approvalAfterConsecutiveWarnings`: the gate queries N + 1 alert windows per objective. */
export const MAX_CONSECUTIVE_WARNINGS = 50;
