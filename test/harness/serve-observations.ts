/** Observations built by hand (no Prometheus) for the pure status/metrics tests. */
import type { ObjectiveObservation } from '../../src/sli/observe.js';
import { budgetConsumed, computeSli, type Components } from '../../src/sli/compute.js';
import type { Objective, Profile } from '../../src/profile/model.js';

export function objective(profile: Profile, name: string): Objective {
  const o = profile.objectives.find((x) => x.name === name);
  if (o === undefined) throw new Error(`no objective ${name} in ${profile.name}`);
  return o;
}

/** Every window of the objective gets the same components; budget and burn rates from bad/total. */
export function observation(
  profile: Profile,
  name: string,
  components: Components | undefined,
  opts: { quantile?: number; bad?: number; total?: number; at?: number } = {},
): ObjectiveObservation {
  const o = objective(profile, name);
  const outcome = components === undefined ? ({ status: 'no_data', reason: 'zero events in the window' } as const) : computeSli(o, components, opts.quantile);
  const windows: Record<string, { seconds: number; outcome: typeof outcome }> = {};
  for (const role of ['alert', 'gate', 'target', 'budget'] as const) {
    const s = o.windows[role];
    if (s !== undefined) windows[role] = { seconds: s, outcome };
  }
  const b = o.errorBudget;
  return {
    profile: profile.name,
    objective: o,
    at: opts.at ?? 1_750_000_000,
    windows,
    ...(b === undefined || o.windows.budget === undefined
      ? {}
      : { budget: { windowSeconds: o.windows.budget, allowed: b.allowed, bad: opts.bad, total: opts.total, outcome: budgetConsumed(b.allowed, opts.bad, opts.total) } }),
    burnRates: b === undefined || b.allowed === 0 ? [] : [{ seconds: 3600, outcome: budgetConsumed(b.allowed, opts.bad, opts.total) }],
  };
}
