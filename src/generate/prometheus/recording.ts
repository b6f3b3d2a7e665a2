/**
 * Recording rules of one objective: short-window component rates, then per window the event count, the SLI value
 * (in the objective's unit) and, for quantiles, the exact bucket fractions at each threshold; finally the state.
 * The SLI semantics are those of src/sli/compute.ts: a missing good/bad count is 0 while the total exists, zero
 * total is no data (no sample), cost > 0 with zero successes is +Inf, quantile thresholds come from bucket fractions.
 */
import {
  LABEL_COMPONENT,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  LABEL_THRESHOLD,
  LABEL_WINDOW,
  RECORD_COMPONENT_RATE,
  RECORD_EVENTS,
  RECORD_FRACTION_LE,
  RECORD_SLI,
  RECORD_STATE,
} from '../../conventions.js';
import { promDuration } from '../../format.js';
import { type Objective, thresholdsOf, unitScale } from '../../profile/model.js';
import { histogramBounds } from '../../sli/queries.js';
import { STATE_CODES } from '../../sli/state.js';
import { countAt, type ObjectiveComponents, objectiveMatchers, shortRateExpr } from '../components.js';
import type { RecordingRule } from './rule-types.js';
import { objectiveWindows } from '../windows.js';


export function baseLabels(c: ObjectiveComponents): Record<string, string> {
  return { [LABEL_PROFILE]: c.profile, [LABEL_OBJECTIVE]: c.objective.name };
}

function windowLabels(c: ObjectiveComponents, w: number): Record<string, string> {
  return { ...baseLabels(c), [LABEL_WINDOW]: promDuration(w) };
}

function scaled(expr: string, scale: number): string {
  return scale === 1 ? expr : `${expr} / ${String(scale)}`;
}

/** SLI value over `w` in the objective's unit (for quantiles: histogram_quantile, display only). */
export function sliExpr(c: ObjectiveComponents, w: number): string {
  const o = c.objective;
  const s = o.sli;
  const n = (name: string) => countAt(c, name, w);
  switch (s.kind) {
    case 'ratio':
      return `${n(s.numerator)} / (${n('total')} > 0)`;
    case 'average':
      return scaled(`${n('sum')} / (${n('count')} > 0)`, unitScale(o.unit, s.histogram.unit));
    case 'perEvent':
      // value/0 is +Inf when value > 0 (a critical breach); 0/0 is no data.
      return `(${n('value')} / ${n('events')}) unless (${n('value')} == 0 and ${n('events')} == 0)`;
    case 'quantile':
      return scaled(`histogram_quantile(${String(s.quantile)}, sum by (le) (${n('buckets')}))`, unitScale(o.unit, s.histogram.unit));
    case 'zeroTolerance':
      return s.population === undefined ? `${n('bad')} or on() vector(0)` : `${n('bad')} and (${n('population')} > 0)`;
  }
}

/** Windows fraction_le is recorded over (quantile objectives): alert, gate and target windows. */
export function fractionWindows(o: Objective): number[] {
  return [...new Set([o.windows.alert, o.windows.gate, o.windows.target])].sort((a, b) => a - b);
}

/** Threshold values (objective unit) fraction_le is recorded at: target, warning, critical. */
export function fractionThresholds(o: Objective): { value: number; bound: number }[] {
  return o.sli.kind === 'quantile' ? histogramBounds(o, o.sli.histogram) : [];
}

export function sliSelector(c: ObjectiveComponents, w: number): string {
  return `${RECORD_SLI}{${objectiveMatchers(c.profile, c.objective.name)},${LABEL_WINDOW}="${promDuration(w)}"}`;
}
export function eventsSelector(c: ObjectiveComponents, w: number): string {
  return `${RECORD_EVENTS}{${objectiveMatchers(c.profile, c.objective.name)},${LABEL_WINDOW}="${promDuration(w)}"}`;
}
export function fractionSelector(c: ObjectiveComponents, w: number, threshold: number): string {
  return `${RECORD_FRACTION_LE}{${objectiveMatchers(c.profile, c.objective.name)},${LABEL_WINDOW}="${promDuration(w)}",${LABEL_THRESHOLD}="${String(threshold)}"}`;
}

/** PromQL comparison operator that means "breaches" for the objective's direction. */
export function breachOp(o: Objective): '<' | '>' {
  return o.direction === 'higher_is_better' ? '<' : '>';
}

/** 1/0 per level (target, warning?, critical) over the alert window, weighted so that the sum is the state code. */
function stateExpr(c: ObjectiveComponents): string {
  const o = c.objective;
  const w = o.windows.alert;
  const levels = [{ value: o.target, weight: 1 }, ...thresholdsOf(o).map((t) => ({ value: t.value, weight: t.level === 'critical' && o.warning === undefined ? 2 : 1 }))];
  const terms = levels.map(({ value, weight }) => {
    const cmp =
      o.sli.kind === 'quantile'
        ? `max without (${LABEL_WINDOW}, ${LABEL_THRESHOLD}) (${fractionSelector(c, w, value)} < bool ${String(o.sli.quantile)})`
        : `max without (${LABEL_WINDOW}) (${sliSelector(c, w)} ${breachOp(o)} bool ${String(value)})`;
    return weight === 1 ? cmp : `${String(weight)} * ${cmp}`;
  });
  // An optional objective (activeOnlyWithData) without inputs is not active, never paged.
  const noData = STATE_CODES[o.activeOnlyWithData ? 'not_active' : 'no_data'];
  return `(${terms.join(' + ')}) or on() vector(${String(noData)})`;
}

/** Short-window component rates, then per-window events / SLI / fractions. State comes last (see stateRule). */
export function recordingRules(c: ObjectiveComponents): RecordingRule[] {
  const rules: RecordingRule[] = [];
  const o = c.objective;
  for (const comp of c.components) {
    rules.push({
      record: RECORD_COMPONENT_RATE,
      expr: shortRateExpr(c, comp.name),
      labels: { ...baseLabels(c), [LABEL_COMPONENT]: comp.name },
    });
  }
  const fw = fractionWindows(o);
  for (const w of objectiveWindows(o)) {
    rules.push({ record: RECORD_EVENTS, expr: countAt(c, c.total, w), labels: windowLabels(c, w) });
    rules.push({ record: RECORD_SLI, expr: sliExpr(c, w), labels: windowLabels(c, w) });
    if (o.sli.kind === 'quantile' && fw.includes(w)) {
      for (const { value, bound } of fractionThresholds(o)) {
        rules.push({
          record: RECORD_FRACTION_LE,
          expr: `${countAt(c, `le:${String(value)}`, w)} / (${countAt(c, 'count', w)} > 0)`,
          labels: { ...windowLabels(c, w), [LABEL_THRESHOLD]: String(value) },
          comment: `fraction of events at or below ${String(value)} ${o.unit} (bucket le=${String(bound)})`,
        });
      }
    }
  }
  return rules;
}

/** RECORD_STATE over the alert window: 0 meets target, 1 below target, 2 warning, 3 critical, -1 no data, -2 not active. */
export function stateRule(c: ObjectiveComponents): RecordingRule {
  return { record: RECORD_STATE, expr: stateExpr(c), labels: baseLabels(c) };
}
