/** Which windows an objective's rules cover, and the rule evaluation interval the long windows assume. */
import type { Objective } from '../profile/model.js';
import { RECORDED_RATE_WINDOW_SECONDS } from '../sli/recorded.js';

/**
 * Each objective's rule group is evaluated every ruleIntervalSeconds (set explicitly on the group): long-window
 * counts are `sum_over_time(<5m rate>[W − 1s]) × interval`, so the interval is part of the rules' meaning. The
 * definition lives in src/sli/recorded.ts, shared with the gate, which reads recorded series the same way.
 */
export { ruleIntervalSeconds } from '../sli/recorded.js';

/** Windows up to this length are computed from the raw series directly (no recorded short-window rates). */
export const RAW_WINDOW_MAX_SECONDS = RECORDED_RATE_WINDOW_SECONDS;

/** Length of the recorded short window in seconds (RECORD_SHORT_WINDOW). */
export const SHORT_WINDOW_SECONDS = RECORDED_RATE_WINDOW_SECONDS;

/** Every window the spec uses for this objective (alert, gate, target, budget, burn-rate long/short), ascending. */
export function objectiveWindows(o: Objective): number[] {
  const set = new Set<number>([o.windows.alert, o.windows.gate, o.windows.target]);
  const b = o.errorBudget;
  if (b !== undefined) {
    set.add(b.windowSeconds);
    for (const a of b.burnRateAlerts) if (burnRateCanFire(a.burnRate, b.allowed)) set.add(a.withinSeconds).add(a.shortWindowSeconds);
  }
  return [...set].sort((x, y) => x - y);
}

/** Windows burn rates are recorded over: the budget window and every burn-rate alert's long and short window. */
export function burnWindows(o: Objective): number[] {
  const b = o.errorBudget;
  if (b === undefined) return [];
  const set = new Set<number>([b.windowSeconds]);
  for (const a of b.burnRateAlerts) if (burnRateCanFire(a.burnRate, b.allowed)) set.add(a.withinSeconds).add(a.shortWindowSeconds);
  return [...set].sort((x, y) => x - y);
}

/** A burn rate above 1 / allowed needs more than 100 % bad events: such an alert can never fire. */
export function burnRateCanFire(burnRate: number, allowed: number): boolean {
  return allowed > 0 && burnRate * allowed < 1;
}
