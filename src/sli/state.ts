/**
 * The state of an objective over a window, one definition for every reader: its name (serve's status document, the
 * review), its numeric code (the recorded `agent_slo:state` series, serve's state gauge, the dashboards' value
 * mappings) and its words for people.
 */
import type { SliOutcome } from './compute.js';

/** `not_active` only for objectives that are active only with data and have none. */
export type ObjectiveState = 'ok' | 'below_target' | 'warning' | 'critical' | 'no_data' | 'not_active';

/** Numeric codes: 0 meets target, 1 below target, 2 warning, 3 critical, -1 no data, -2 not active. */
export const STATE_CODES: Readonly<Record<ObjectiveState, number>> = {
  ok: 0,
  below_target: 1,
  warning: 2,
  critical: 3,
  no_data: -1,
  not_active: -2,
};

/** The states in code order as they are listed for people (dashboards' value mappings): 0..3, then -1, -2. */
export const STATES: readonly ObjectiveState[] = ['ok', 'below_target', 'warning', 'critical', 'no_data', 'not_active'];

export const STATE_TEXT: Readonly<Record<ObjectiveState, string>> = {
  ok: 'meets target',
  below_target: 'below target',
  warning: 'warning',
  critical: 'critical',
  no_data: 'no data',
  not_active: 'not active',
};

/** State of one window outcome. */
export function stateOf(outcome: SliOutcome): ObjectiveState {
  if (outcome.status === 'no_data') return 'no_data';
  if (outcome.breached.critical === true) return 'critical';
  if (outcome.breached.warning === true) return 'warning';
  if (outcome.breached.target) return 'below_target';
  return 'ok';
}
