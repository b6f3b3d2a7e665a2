/**
 * Threshold colours and units for an objective's panels: steps at target, warning and critical in the objective's
 * direction, and Grafana's unit ids for the spec's units.
 */
import type { Objective, Unit } from '../../profile/model.js';
import type { ObjectiveState } from '../../sli/state.js';

export interface ColourStep {
  readonly value: number | null;
  readonly color: string;
}

export const COLOUR = { ok: 'green', belowTarget: 'yellow', warning: 'orange', critical: 'red' } as const;

/** Colour of each objective state in value mappings. */
export const STATE_COLOUR: Readonly<Record<ObjectiveState, string>> = {
  ok: COLOUR.ok,
  below_target: COLOUR.belowTarget,
  warning: COLOUR.warning,
  critical: COLOUR.critical,
  no_data: 'purple',
  not_active: 'text',
};

/**
 * Grafana colours a value with the last step whose value it reaches (≥). Higher-is-better: red below critical,
 * orange from critical, yellow from warning, green from target. Lower-is-better: green, yellow from target, orange
 * from warning, red from critical; a zero bound (zero tolerance) becomes the smallest positive step so that 0 stays
 * green, as breaches are strict (any event, not zero events).
 */
export function objectiveSteps(o: Objective): ColourStep[] {
  const tiny = (v: number): number => (v === 0 ? 1e-9 : v);
  if (o.direction === 'higher_is_better') {
    const steps: ColourStep[] = [{ value: null, color: COLOUR.critical }];
    steps.push({ value: o.critical.value, color: o.warning === undefined ? COLOUR.belowTarget : COLOUR.warning });
    if (o.warning !== undefined) steps.push({ value: o.warning.value, color: COLOUR.belowTarget });
    steps.push({ value: o.target, color: COLOUR.ok });
    return dedupe(steps);
  }
  const steps: ColourStep[] = [{ value: null, color: COLOUR.ok }];
  steps.push({ value: tiny(o.target), color: COLOUR.belowTarget });
  if (o.warning !== undefined) steps.push({ value: tiny(o.warning.value), color: COLOUR.warning });
  steps.push({ value: tiny(o.critical.value), color: COLOUR.critical });
  return dedupe(steps);
}

/** Keeps, for equal values, the last (most severe in lower-is-better order, least in higher-is-better) step. */
function dedupe(steps: ColourStep[]): ColourStep[] {
  const out: ColourStep[] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    if (last !== undefined && last.value === s.value) out[out.length - 1] = s;
    else out.push(s);
  }
  return out;
}

/** Grafana unit id for a spec unit. */
export function grafanaUnit(unit: Unit): string {
  const units: Record<Unit, string> = {
    ratio: 'percentunit',
    s: 's',
    ms: 'ms',
    By: 'decbytes',
    MB: 'decmbytes',
    GB: 'decgbytes',
    USD: 'currencyUSD',
    events: 'short',
  };
  return units[unit];
}
