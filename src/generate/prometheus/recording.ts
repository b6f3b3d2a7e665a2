/**
 * Recording rules of one objective: short-window component rates, then per window the event count, the SLI value
 * (in the objective's unit) and, for quantiles, the exact bucket fractions at each threshold; finally the state.
 * The SLI semantics are those of src/sli/compute.ts: a missing good/bad count is 0 while the total exists, zero
 * total is no data (no sample), cost > 0 with zero successes is +Inf, quantile thresholds come from bucket fractions.
 */
import {
  COMPONENT_FROM,
  COMPONENT_SEEN,
  LABEL_COMPONENT,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  LABEL_THRESHOLD,
  LABEL_WINDOW,
  RECORD_COMPONENT_RATE,
  RECORD_COMPONENT_ROLLUP,
  RECORD_EVENTS,
  RECORD_FRACTION_LE,
  RECORD_SLI,
  RECORD_STATE,
} from '../../conventions.js';
import { promDuration } from '../../format.js';
import { type Objective, thresholdsOf, unitScale } from '../../profile/model.js';
import { histogramBounds } from '../../sli/queries.js';
import { fromExpr, knownCount, markedFrom, seenExpr, unlessUnknowable, windowUnknowable } from '../../sli/gap-marker.js';
import { componentOf } from '../../sli/queries.js';
import { isRollupWindow, recordedRange, recordedRateSelector, ruleIntervalSeconds, rollupCountExpr, rollupExpr } from '../../sli/recorded.js';
import { STATE_CODES } from '../../sli/state.js';
import { countAt, type ObjectiveComponents, objectiveMatchers, shortRateExpr } from '../components.js';
import type { RecordingRule } from './rule-types.js';
import { objectiveWindows, SHORT_WINDOW_SECONDS } from '../windows.js';


export function baseLabels(c: ObjectiveComponents): Record<string, string> {
  return { [LABEL_PROFILE]: c.profile, [LABEL_OBJECTIVE]: c.objective.name };
}

function scaled(expr: string, scale: number): string {
  return scale === 1 ? expr : `${expr} / ${String(scale)}`;
}

/**
 * Events of a component over `w` as the recording rules read them: the short window from the component's rate
 * recorded earlier in the same evaluation (the raw series are read once per evaluation, by the rate rule), windows
 * of 7 days and more from the hourly roll-up (the gate keeps the exact sum of the rates: countAt), every other
 * window as countAt.
 */
export function ruleCount(c: ObjectiveComponents, name: string, w: number): string {
  if (isRollupWindow(w)) return rollupCountExpr(c.profile, c.objective, name, w);
  if (w !== SHORT_WINDOW_SECONDS) return countAt(c, name, w);
  return `(sum without (${LABEL_COMPONENT}) (${recordedRateSelector(c.profile, c.objective.name, name)}) * ${String(SHORT_WINDOW_SECONDS)})`;
}

/** The denominator's counter selection, which the gap markers watch (none for user PromQL: no markers). */
function markedSelector(c: ObjectiveComponents): string | undefined {
  const t = componentOf(c, c.total).source;
  return t.kind === 'counter' ? t.selector : undefined;
}

/** The gap-marker parts of the component-rate rule (sli/gap-marker.ts): time:seen and time:from. */
function markerParts(c: ObjectiveComponents): { labels: Record<string, string>; expr: string }[] {
  const sel = markedSelector(c);
  if (sel === undefined) return [];
  return [
    { labels: { [LABEL_COMPONENT]: COMPONENT_SEEN }, expr: seenExpr(sel, ruleIntervalSeconds(c.objective)) },
    { labels: { [LABEL_COMPONENT]: COMPONENT_FROM }, expr: fromExpr(sel, recordedRateSelector(c.profile, c.objective.name, COMPONENT_SEEN)) },
  ];
}

/**
 * In the rules: non-empty when the count over `w` may hold events from before the window's start (a gap in the
 * objective's data straddles it; sli/gap-marker.ts). The 5m window is the rate of this very evaluation: only its own
 * marker counts. Undefined when the objective has no markers.
 */
export function ruleUnknowable(c: ObjectiveComponents, w: number): string | undefined {
  if (markedSelector(c) === undefined) return undefined;
  return windowUnknowable(markedFrom(recordedRateSelector(c.profile, c.objective.name, COMPONENT_FROM), w === SHORT_WINDOW_SECONDS ? '1s' : recordedRange(w)), w);
}

/** ruleCount, dropped where the window is unknowable; `zero` keeps a known 0 (sli/gap-marker.ts knownCount). */
export function ruleKnownCount(c: ObjectiveComponents, name: string, w: number, zero = false): string {
  const count = ruleCount(c, name, w);
  const u = ruleUnknowable(c, w);
  if (u === undefined) return count;
  return zero ? knownCount(count, u) : unlessUnknowable(count, u);
}

/**
 * One rule recording several series: each part's expression labelled with its labels (`label_replace`), joined by
 * `or` — the same series as one rule each, read by the same selectors, in fewer rules. The parts are kept on the rule
 * (rule-types.ts recordedSeries) for readers that need one series' expression.
 */
export function joinedRule(record: string, c: ObjectiveComponents, parts: readonly { labels: Record<string, string>; expr: string }[], comment?: string): RecordingRule {
  const expr = parts
    .map((p) => Object.entries(p.labels).reduce((e, [k, v]) => `label_replace(${e}, "${k}", "${v}", "", "")`, `(${p.expr})`))
    .join(' or ');
  return { record, expr, labels: baseLabels(c), parts, ...(comment === undefined ? {} : { comment }) };
}

/** The window label of a part. */
export function windowLabel(w: number): Record<string, string> {
  return { [LABEL_WINDOW]: promDuration(w) };
}

/**
 * SLI value over `w` in the objective's unit (for quantiles: histogram_quantile, display only). With `recordedTotal`
 * (the rules: eventsSelector, the denominator the events rule recorded earlier in the same evaluation) the
 * denominator is read from it instead of counted again; one series on each side, so it is matched on no labels.
 */
export function sliExpr(
  c: ObjectiveComponents,
  w: number,
  count: (c: ObjectiveComponents, name: string, w: number) => string = countAt,
  recordedTotal?: string,
  unknowable?: string,
): string {
  const o = c.objective;
  const s = o.sli;
  const n = (name: string) => count(c, name, w);
  const total = recordedTotal ?? n(c.total);
  const on = recordedTotal === undefined ? '' : 'on() ';
  // The rules (sli/gap-marker.ts): the recorded total is already dropped where unknowable; the kinds below that do
  // not divide by it drop their own value.
  if (unknowable !== undefined) {
    if (s.kind === 'zeroTolerance') {
      return s.population === undefined
        ? `${total} or on() (vector(0) unless on() ${unknowable})`
        : `${knownCount(n('bad'), unknowable)} and on() (${n(c.total)} > 0)`;
    }
    if (s.kind === 'quantile') return unlessUnknowable(sliExpr(c, w, count, recordedTotal), unknowable);
  }
  switch (s.kind) {
    case 'ratio':
      return `${n(s.numerator)} / ${on}(${total} > 0)`;
    case 'average':
      return scaled(`${n('sum')} / ${on}(${total} > 0)`, unitScale(o.unit, s.histogram.unit));
    case 'perEvent':
      // value/0 is +Inf when value > 0 (a critical breach); 0/0 is no data.
      return `(${n('value')} / ${on}${total}) unless ${on}(${n('value')} == 0 and ${on}${total} == 0)`;
    case 'quantile':
      return scaled(`histogram_quantile(${String(s.quantile)}, sum by (le) (${n('buckets')}))`, unitScale(o.unit, s.histogram.unit));
    case 'zeroTolerance':
      return s.population === undefined ? `${total} or on() vector(0)` : `${n('bad')} and ${on}(${total} > 0)`;
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

/**
 * Short-window component rates (one rule: every component of the objective, raw series read once), then the event
 * count, the SLI and, for quantiles, the bucket fractions over every window (one rule each). State comes last
 * (see stateRule).
 */
export function recordingRules(c: ObjectiveComponents): RecordingRule[] {
  const o = c.objective;
  const rates = c.components.map((comp) => ({ labels: { [LABEL_COMPONENT]: comp.name }, expr: shortRateExpr(c, comp.name) }));
  const markers = markerParts(c);
  const parts = [...rates, ...markers];
  const only = parts.length === 1 ? parts[0] : undefined;
  const marked = markers.length === 0 ? '' : `; gap markers ${COMPONENT_SEEN}, ${COMPONENT_FROM} (times, docs/counting.md)`;
  const rules: RecordingRule[] = [
    only !== undefined
      ? { record: RECORD_COMPONENT_RATE, expr: only.expr, labels: { ...baseLabels(c), ...only.labels } }
      : joinedRule(RECORD_COMPONENT_RATE, c, parts, `per-second rates over ${promDuration(SHORT_WINDOW_SECONDS)} of ${c.components.map((x) => x.name).join(', ')} (${LABEL_COMPONENT})${marked}`),
  ];
  const windows = objectiveWindows(o);
  if (windows.some(isRollupWindow)) {
    rules.push({ record: RECORD_COMPONENT_ROLLUP, expr: rollupExpr(c.profile, o), labels: baseLabels(c), comment: `hourly roll-up of the rates (one sample an hour) for the windows of 7d and more` });
  }
  // No data where a gap straddles the window's start (sli/gap-marker.ts); a zero-tolerance count keeps a known 0.
  const zero = o.sli.kind === 'zeroTolerance';
  rules.push(joinedRule(RECORD_EVENTS, c, windows.map((w) => ({ labels: windowLabel(w), expr: ruleKnownCount(c, c.total, w, zero) }))));
  // The SLI divides by the events recorded just above (rules in a group run in order; backfill: the next level).
  rules.push(joinedRule(RECORD_SLI, c, windows.map((w) => ({ labels: windowLabel(w), expr: sliExpr(c, w, ruleCount, eventsSelector(c, w), ruleUnknowable(c, w)) }))));
  if (o.sli.kind === 'quantile') {
    const parts = fractionWindows(o).flatMap((w) =>
      fractionThresholds(o).map(({ value }) => ({
        labels: { ...windowLabel(w), [LABEL_THRESHOLD]: String(value) },
        expr: `${ruleCount(c, `le:${String(value)}`, w)} / on() (${c.total === 'count' ? eventsSelector(c, w) : ruleKnownCount(c, 'count', w)} > 0)`,
      })),
    );
    const bounds = fractionThresholds(o).map(({ value, bound }) => `${String(value)} ${o.unit} (le=${String(bound)})`);
    if (parts.length > 0) rules.push(joinedRule(RECORD_FRACTION_LE, c, parts, `fraction of events at or below ${bounds.join(', ')}`));
  }
  return rules;
}

/** RECORD_STATE over the alert window: 0 meets target, 1 below target, 2 warning, 3 critical, -1 no data, -2 not active. */
export function stateRule(c: ObjectiveComponents): RecordingRule {
  return { record: RECORD_STATE, expr: stateExpr(c), labels: baseLabels(c) };
}
