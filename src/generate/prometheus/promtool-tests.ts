/**
 * Generated promtool unit tests (rules/<profile>/tests/<objective>.yaml): for every threshold, traffic just past
 * and just short of it, each followed by the opposite side (both directions), asserting which alerts fire, after
 * exactly how long, with exactly which labels and annotations; burn-rate, budget, zero-tolerance, no-data and
 * escalation cases. All tests evaluate every 1m and span at most a few windows (promtool refuses queries that load
 * more than 10,000 samples; a 1m-spaced long-window query stays below that for spans up to ~6.9 days).
 */
import { stringify } from 'yaml';
import { LABEL_ALERT_LEVEL, LABEL_BURN, LABEL_OBJECTIVE, LABEL_PROFILE, LABEL_THRESHOLD, LABEL_WINDOW, alertName } from '../../conventions.js';
import { expandGoTemplateLiterals } from '../../escape.js';
import { promDuration } from '../../format.js';
import { type Objective, type Profile, type Threshold, breaches, thresholdsOf } from '../../profile/model.js';
import { histogramBounds } from '../../sli/queries.js';
import { escalationAlerts, noDataAlert, NO_DATA_AFTER_SECONDS, thresholdAlertName, thresholdAlerts } from './alerts.js';
import { budgetExhaustedAlert, burnRateAlerts } from './burn-rate.js';
import { isRawWindow, objectiveComponents } from '../components.js';
import { formatPercent, formatValue } from '../humanize.js';
import type { AlertingRule } from './rule-types.js';
import { ruleFilePath } from './rules.js';
import { eventSeries, type InputSeries, type LeStyle, objectiveSeries, type Phase, syntheticQuantile } from './test-series.js';
import { GENERATED_NOTICE, type GeneratedFile } from '../types.js';
import { objectiveWindows, ruleIntervalSeconds, SHORT_WINDOW_SECONDS } from '../windows.js';

interface ExpAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
interface AlertCheck {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpAlert[];
}
interface TestCase {
  name: string;
  interval: string;
  input_series: InputSeries[];
  alert_rule_test: AlertCheck[];
}

const MIN = 60;
/**
 * Events per minute in every scenario: far above the objective's minimum-traffic guard from the first evaluation
 * on (a recorded window counts only 1/5 of the first minute's events after one minute: one 5m rate × 60s).
 */
function perMinute(o: Objective): number {
  return Math.max(1000, 10 * o.minEvents);
}

function minutes(seconds: number): number {
  return Math.ceil(seconds / MIN);
}
function roundUp(mins: number, step: number): number {
  return Math.ceil(mins / step) * step;
}
/** Evaluation step of the objective's group, in minutes. */
function stepOf(o: Objective): number {
  return ruleIntervalSeconds(o) / MIN;
}
function at(mins: number): string {
  return promDuration(mins * MIN);
}

/**
 * Input samples per minute. Rules evaluate on whole minutes and Prometheus 3 ranges are left-open ((t − w, t]), so a
 * raw window must be longer than the sample spacing to hold the two samples increase() needs: a 1m window gets
 * samples every 30s (a 1m scrape interval cannot serve it: docs/counting.md "Limits"); all others every 1m.
 */
function samplesPerMinute(o: Objective): number {
  const windows = [...objectiveWindows(o), ...(o.escalation?.kind === 'condition' ? [o.escalation.windowSeconds] : [])];
  const shortest = Math.min(...windows.filter(isRawWindow));
  let k = 1;
  while (MIN / k >= shortest) k++;
  return k;
}

function inputInterval(o: Objective): string {
  return promDuration(MIN / samplesPerMinute(o));
}

/** The objective's input series over `phases`, sampled per samplesPerMinute. */
function inputs(profile: Profile, o: Objective, phases: readonly Phase[], leStyle?: LeStyle): InputSeries[] {
  return objectiveSeries(profile, o, phases, { samplesPerMinute: samplesPerMinute(o), ...(leStyle === undefined ? {} : { leStyle }) });
}

/** The annotations of `rule` with `$value` and the quantile query replaced by the expected numbers. */
function expected(rule: AlertingRule, o: Objective, value: number, extraLabels: Record<string, string>, quantileEstimate?: number): ExpAlert {
  const annotations: Record<string, string> = {};
  for (const [k, text] of Object.entries(rule.annotations)) {
    annotations[k] = expandGoTemplateLiterals(
      text
        .replace(/\{\{ with query `[^`]*` \}\}.*?\{\{ else \}\}unknown\{\{ end \}\}/, () => formatValue(o.unit, quantileEstimate ?? Number.NaN))
        .replace(/\{\{ \$value \| humanizePercentage \}\}/g, () => formatPercent(value))
        .replace(/\{\{ \$value \| printf "%\.(\d)f" \}\}/g, (_m, d: string) => value.toFixed(Number(d))),
    );
  }
  const labels = Object.fromEntries(Object.entries({ ...rule.labels, ...extraLabels }).map(([k, v]) => [k, expandGoTemplateLiterals(v)]));
  return { exp_labels: labels, exp_annotations: annotations };
}

function check(evalMinutes: number, alertname: string, alerts: ExpAlert[]): AlertCheck {
  return { eval_time: at(evalMinutes), alertname, exp_alerts: alerts };
}

/** The number an alert annotation shows for `v` in `unit` (ratios: the fraction behind the shown percentage). */
function shown(unit: Objective['unit'], v: number): number {
  const n = Number.parseFloat(formatValue(unit, v));
  return unit === 'ratio' ? n / 100 : n;
}

/**
 * Value just past (breach) or just short of a threshold, in the objective's unit. It is a number the annotation shows
 * exactly (no digit beyond the shown precision), so float noise in Prometheus' sums cannot flip the last digit, and
 * it stays strictly on its side of the threshold (ratios within [0, 1]).
 */
function nearValue(o: Objective, t: Threshold, breach: boolean): number {
  const delta = o.unit === 'ratio' ? 0.001 : Math.abs(t.value) * 0.01 || 0.001;
  const away = (o.direction === 'higher_is_better') === breach ? -1 : 1;
  const ok = (v: number) => breaches(o.direction, v, t.value) === breach && (o.unit !== 'ratio' || (v >= 0 && v <= 1)) && v >= 0;
  for (let step = delta; step < delta * 1e6; step *= 2) {
    const v = shown(o.unit, Number((t.value + away * step).toPrecision(12)));
    if (ok(v) && shown(o.unit, v) === v) return v;
  }
  // Only a ratio target at 0 or 1 leaves no room on one side: the side's bound itself.
  return away > 0 ? (o.unit === 'ratio' ? 1 : t.value * 2 + 1) : 0;
}

/**
 * Quantile fractions putting the quantile just past (breach) or just short of threshold `x`: the share at or below x is
 * q ∓ d, below it q − 2d, above it everything, with d small enough to keep every share within [0, 1] (q = 0.999).
 */
function nearFractions(o: Objective, x: number, breach: boolean, d: number): Map<number, number> {
  if (o.sli.kind !== 'quantile') throw new Error('not a quantile objective');
  const q = o.sli.quantile;
  const out = new Map<number, number>();
  for (const { value } of histogramBounds(o, o.sli.histogram)) {
    out.set(value, value < x ? q - 2 * d : value === x ? (breach ? q - d : q + d) : 1);
  }
  return out;
}

/**
 * Fractions for `nearFractions` whose estimated quantile (shown in the annotation) lies clear of a rounding edge of
 * the shown precision, so Prometheus' float arithmetic shows the same digits.
 */
function stableFractions(o: Objective, x: number, breach: boolean): Map<number, number> {
  if (o.sli.kind !== 'quantile') throw new Error('not a quantile objective');
  const d0 = Math.min(0.01, (1 - o.sli.quantile) / 2);
  let f = nearFractions(o, x, breach, d0);
  for (let i = 0; i < 8; i++) {
    const est = syntheticQuantile(o, f);
    if (formatValue(o.unit, est * (1 + 1e-9)) === formatValue(o.unit, est * (1 - 1e-9))) return f;
    f = nearFractions(o, x, breach, d0 * (1 - 0.07 * (i + 1)));
  }
  return f;
}

function phaseFor(o: Objective, t: Threshold, breach: boolean, mins: number): Phase {
  if (o.sli.kind === 'quantile') return { minutes: mins, perMinute: perMinute(o), fractions: stableFractions(o, t.value, breach) };
  return { minutes: mins, perMinute: perMinute(o), value: nearValue(o, t, breach) };
}

/** Whether `phase` breaches threshold `t`, and the value the alert shows (quantiles: the share at or below t). */
function phaseBreach(o: Objective, t: Threshold, phase: Phase): { breached: boolean; value: number } {
  if (o.sli.kind === 'quantile') {
    const f = phase.fractions!.get(t.value)!;
    return { breached: f < o.sli.quantile, value: f };
  }
  return { breached: breaches(o.direction, phase.value!, t.value), value: phase.value! };
}

/** Expected threshold alerts for a phase, each threshold's condition having held for `activeMinutes(t)` minutes. */
function thresholdExpectations(o: Objective, rules: AlertingRule[], phase: Phase, activeMinutes: (t: Threshold) => number): { name: string; alerts: ExpAlert[] }[] {
  return thresholdsOf(o).map((t) => {
    const rule = rules.find((r) => r.labels[LABEL_ALERT_LEVEL] === t.level)!;
    const window = promDuration(o.windows.alert);
    const { breached, value } = phaseBreach(o, t, phase);
    const quantile = o.sli.kind === 'quantile';
    const estimate = quantile ? syntheticQuantile(o, phase.fractions!) : undefined;
    const extra: Record<string, string> = { [LABEL_WINDOW]: window, ...(quantile ? { [LABEL_THRESHOLD]: String(t.value) } : {}) };
    const firing = breached && activeMinutes(t) >= minutes(t.forSeconds);
    return { name: rule.alert, alerts: firing ? [expected(rule, o, value, extra, estimate)] : [] };
  });
}

function thresholdCases(profile: Profile, o: Objective, leStyles: LeStyle[]): TestCase[] {
  const rules = thresholdAlerts(objectiveComponents(profile, o));
  const cases: TestCase[] = [];
  const w = minutes(o.windows.alert);
  let styleIndex = 0;
  const s = stepOf(o);
  const maxFor = Math.max(...thresholdsOf(o).map((u) => minutes(u.forSeconds)));
  for (const t of thresholdsOf(o)) {
    const forMin = minutes(t.forSeconds);
    for (const breach of [true, false]) {
      const p1Min = roundUp(forMin + 10, s);
      const p2Min = roundUp(w + maxFor + 15, s);
      const p1 = phaseFor(o, t, breach, p1Min);
      const p2 = phaseFor(o, t, !breach, p2Min);
      const leStyle = leStyles[styleIndex++ % leStyles.length]!;
      const checks: AlertCheck[] = [];
      // The condition holds from the first evaluation after t = 0 (first 5m rate); `for` counts from there.
      const firing = s + roundUp(forMin, s);
      const points = [...new Set([Math.max(s, firing - s), firing])];
      for (const m of points) for (const e of thresholdExpectations(o, rules, p1, () => m - s)) checks.push(check(m, e.name, e.alerts));
      // Phase 2 fills the whole window (plus the 5m rate window) and then holds for the longest `for` + 10m; a
      // threshold breached by both phases (the mixed window in between breaches it too) stays active throughout.
      const active = (u: Threshold) => (phaseBreach(o, u, p1).breached ? p1Min + p2Min - s : maxFor + 10);
      for (const e of thresholdExpectations(o, rules, p2, active)) checks.push(check(p1Min + p2Min, e.name, e.alerts));
      const side = (b: boolean) => (b ? 'just past' : 'just short of');
      cases.push({
        name: `${o.name}: ${side(breach)} the ${t.level} threshold (${String(t.value)}), then ${side(!breach)} it${o.sli.kind === 'quantile' ? ` [le spelled ${leStyle}]` : ''}`,
        interval: inputInterval(o),
        input_series: inputs(profile, o, [p1, p2], leStyle),
        alert_rule_test: checks,
      });
    }
  }
  return cases;
}

function budgetPhase(o: Objective, bad: number, mins: number): Phase {
  const b = o.errorBudget!;
  const s = o.sli;
  if (s.kind === 'ratio') return { minutes: mins, perMinute: perMinute(o), value: s.numerator === 'good' ? 1 - bad : bad };
  if (s.kind === 'quantile') {
    const f = new Map<number, number>();
    for (const { value } of histogramBounds(o, s.histogram)) f.set(value, value === o.target ? 1 - bad : 1);
    return { minutes: mins, perMinute: perMinute(o), fractions: f };
  }
  void b;
  return { minutes: mins, perMinute: perMinute(o), value: o.target * 0.5, budgetBad: bad };
}

function burnCases(profile: Profile, o: Objective): TestCase[] {
  const b = o.errorBudget;
  if (b === undefined || b.allowed === 0) return [];
  const c = objectiveComponents(profile, o);
  const cases: TestCase[] = [];
  const base = { [LABEL_PROFILE]: profile.name, [LABEL_OBJECTIVE]: o.name };
  for (const rule of burnRateAlerts(c).rules) {
    const a = b.burnRateAlerts.find((x) => x.name === rule.labels[LABEL_BURN])!;
    const edge = a.burnRate * b.allowed;
    const longW = promDuration(a.withinSeconds);
    const extra = { ...base, [LABEL_WINDOW]: longW };
    for (const factor of [1.02, 0.98]) {
      const bad = edge * factor;
      const checkAt = 30;
      cases.push({
        name: `${o.name}: ${rule.alert} with ${formatPercent(bad)} bad events (burn rate ${(a.burnRate * factor).toFixed(2)} vs ${a.burnRate.toFixed(2)})`,
        interval: inputInterval(o),
        input_series: inputs(profile, o, [budgetPhase(o, bad, checkAt + 5)]),
        alert_rule_test: [
          check(stepOf(o), rule.alert, factor > 1 ? [expected(rule, o, bad / b.allowed, extra)] : []),
          check(checkAt, rule.alert, factor > 1 ? [expected(rule, o, bad / b.allowed, extra)] : []),
        ],
      });
    }
    // Long window still burning, short window recovered: the pair must not fire (both windows are required).
    const shortMin = minutes(a.shortWindowSeconds);
    const p1Min = Math.max(2 * shortMin, 30);
    const p2Min = shortMin + 15;
    const r1 = Math.min(0.99, 1.3 * edge * (p1Min + p2Min + 1) / p1Min);
    cases.push({
      name: `${o.name}: ${rule.alert} fires while both windows burn, and stops when the ${promDuration(a.shortWindowSeconds)} window recovers`,
      interval: inputInterval(o),
      input_series: inputs(profile, o, [budgetPhase(o, r1, p1Min), budgetPhase(o, 0, p2Min)]),
      alert_rule_test: [check(p1Min, rule.alert, [expected(rule, o, r1 / b.allowed, extra)]), check(p1Min + p2Min, rule.alert, [])],
    });
  }
  const exhausted = budgetExhaustedAlert(c);
  if (exhausted !== undefined) {
    for (const factor of [1.1, 0.9]) {
      const bad = b.allowed * factor;
      cases.push({
        name: `${o.name}: ${exhausted.alert} with ${formatPercent(bad)} bad events over the budget window (allowed ${formatPercent(b.allowed)})`,
        interval: inputInterval(o),
        input_series: inputs(profile, o, [budgetPhase(o, bad, 65)]),
        alert_rule_test: [check(60, exhausted.alert, factor > 1 ? [expected(exhausted, o, 1 - factor, base)] : [])],
      });
    }
  }
  return cases;
}

/**
 * When the zero-tolerance count shows one bad event stepping in at minute `first` (evaluations every minute).
 * Raw windows (≤ 5m) count it exactly while the window holds the step. Recorded windows sum the 5m rate, which
 * carries the event for 5 evaluations at 1/5 each (Prometheus 3, left-open ranges, for 4 at 1/4 when the series
 * already existed): the count rises to 1, holds, and falls again. `value(t)` is the count per version; `lastSafe`
 * the last minute both versions still count it, `cleared` the first minute neither does.
 */
function zeroToleranceTimeline(o: Objective, born: boolean): { first: number; lastSafe: number; cleared: number; values: (t: number) => number[] } {
  const w = minutes(o.windows.alert);
  const first = born ? 10 : 11;
  // Sampled between whole minutes, the pre-event sample (at first − 1/k) stays inside both versions' ranges as long
  // as a born series' first sample does: the existing series then behaves like a born one.
  const sameAsBorn = born || samplesPerMinute(o) > 1;
  if (isRawWindow(o.windows.alert)) {
    // Prometheus 2.42 (closed ranges) still sees a pre-event sample at exactly `first − 1 + w`, 3.x has cleared.
    return { first, lastSafe: first - (sameAsBorn ? 1 : 2) + w, cleared: first + w, values: () => [1] };
  }
  const perEval = ruleIntervalSeconds(o) / SHORT_WINDOW_SECONDS;
  const held = (t: number, last: number, weight: number) => weight * Math.max(0, Math.min(last, t) - Math.max(first, t - w + 1) + 1);
  const rates = SHORT_WINDOW_SECONDS / MIN;
  return {
    first,
    lastSafe: first + w + (sameAsBorn ? rates - 2 : rates - 3),
    cleared: first + w + rates - 1,
    values: (t) => [held(t, first + rates - 1, perEval), sameAsBorn ? held(t, first + rates - 1, perEval) : held(t, first + rates - 2, perEval * rates / (rates - 1))],
  };
}

/**
 * Checks for one bad event: quiet before, firing (after the threshold's `for`) with the count the annotation shows,
 * and cleared once it left the window. Instants where the versions would show different digits are not asserted.
 */
function zeroToleranceChecks(o: Objective, rules: AlertingRule[], born: boolean, extra: (r: AlertingRule, t: number) => AlertCheck[]): AlertCheck[] {
  const tl = zeroToleranceTimeline(o, born);
  const fires = tl.first + minutes(o.critical.forSeconds);
  const agreed = (t: number) => {
    const shown = tl.values(t).map((v) => formatValue('events', v));
    return shown.every((x) => x === shown[0]) ? tl.values(t)[0]! : undefined;
  };
  return rules.flatMap((r) => {
    const out = [check(fires - 1, r.alert, []), check(tl.cleared, r.alert, []), ...extra(r, fires)];
    if (fires > tl.lastSafe) return [...out, check(tl.lastSafe, r.alert, [])];
    for (const t of [...new Set([fires, Math.max(fires, Math.min(tl.lastSafe, tl.first + 6)), tl.lastSafe])]) {
      const v = agreed(t);
      if (v !== undefined) out.push(check(t, r.alert, [expected(r, o, v, {})]));
    }
    return out;
  });
}

function zeroToleranceCases(profile: Profile, o: Objective): TestCase[] {
  if (o.sli.kind !== 'zeroTolerance') return [];
  const c = objectiveComponents(profile, o);
  const [rule] = thresholdAlerts(c);
  const esc = escalationAlerts(c).filter((e) => e.expr === rule!.expr);
  const exhausted = budgetExhaustedAlert(c);
  const names = [rule!, ...esc];
  const w = minutes(o.windows.alert);
  const tail = w + 20;
  const forText = o.critical.forSeconds > 0 ? ` (after the ${promDuration(o.critical.forSeconds)} \`for\`)` : '';
  const cases: TestCase[] = [
    {
      name: `${o.name}: no bad events, no alert`,
      interval: inputInterval(o),
      input_series: inputs(profile, o, [{ minutes: 30, perMinute: perMinute(o) }]),
      alert_rule_test: names.map((r) => check(20, r.alert, [])),
    },
    {
      name: `${o.name}: one bad event on an existing series fires${forText} and clears when it leaves the ${promDuration(o.windows.alert)} window`,
      interval: inputInterval(o),
      input_series: inputs(profile, o, [
        { minutes: 10, perMinute: perMinute(o) },
        { minutes: tail, perMinute: perMinute(o), badEvents: 1 },
      ]),
      alert_rule_test: zeroToleranceChecks(o, names, false, (r) =>
        exhausted === undefined || r !== rule ? [] : [check(11, exhausted.alert, [expected(exhausted, o, Number.NEGATIVE_INFINITY, { [LABEL_PROFILE]: profile.name, [LABEL_OBJECTIVE]: o.name })])],
      ),
    },
  ];
  if (o.sli.events.kind === 'series') {
    // The failure counter is born with its first failure (value 1): increase() cannot see it; the count counts a series
    // born in the window from zero (promql/counter-increase.ts).
    const series = inputs(profile, o, [{ minutes: 10, perMinute: perMinute(o) }, { minutes: tail, perMinute: perMinute(o), badEvents: 1 }]);
    const bad = inputs(profile, o, [{ minutes: 10, perMinute: 0, absent: true }, { minutes: tail, perMinute: 0, badEvents: 1 }])[0]!;
    cases.push({
      name: `${o.name}: a failure counter that appears with its first failure fires${forText || ' at once'}`,
      interval: inputInterval(o),
      input_series: [bad, ...series.slice(1)],
      alert_rule_test: zeroToleranceChecks(o, names, true, () => []),
    });
  }
  return cases;
}

function noDataCases(profile: Profile, o: Objective): TestCase[] {
  const c = objectiveComponents(profile, o);
  const rule = noDataAlert(c);
  const base = { [LABEL_PROFILE]: profile.name, [LABEL_OBJECTIVE]: o.name };
  if (rule === undefined) {
    if (!o.activeOnlyWithData) return [];
    // Optional objective, inputs absent: not active, nothing pages (no threshold alert, no no-data alert).
    return [
      {
        name: `${o.name}: optional objective without inputs (not active) never pages`,
        interval: '1m',
        input_series: [{ series: 'agent_slo_unrelated_series', values: '0+1x120' }],
        alert_rule_test: [...thresholdAlerts(c), ...escalationAlerts(c)].map((r) => check(120, r.alert, [])).concat([check(120, alertName(o.name, 'no_data'), [])]),
      },
    ];
  }
  const live = 30;
  // Checks stay off range-boundary instants: Prometheus 2.42 ranges include both ends ([t-w, t]), Prometheus 3.x
  // ranges exclude the start ((t-w, t]), so an instant exactly one window after a sample is decided differently.
  // The inputs' last samples are at live-1/k and live (k samples per minute). The 5m rate (two samples in the
  // window) is last recorded at the last evaluation t <= live-1/k+5m under 2.42 and t < live-1/k+5m under 3.x;
  // absent_over_time[1h] then holds from the first evaluation after (2.42) or at (3.x) last recorded + 1h. "Not yet"
  // is checked one step before the earlier (3.x) boundary, "fires" one step after the later (2.42) one, so both
  // versions agree on each check.
  const s = stepOf(o);
  const lastPair = live + minutes(SHORT_WINDOW_SECONDS) - 1 / samplesPerMinute(o);
  const lastRate2 = Math.floor(lastPair / s) * s;
  const lastRate3 = Math.ceil(lastPair / s) * s - s;
  const notYet = Math.ceil((lastRate3 + minutes(NO_DATA_AFTER_SECONDS)) / s) * s - s;
  const firesAt = Math.floor((lastRate2 + minutes(NO_DATA_AFTER_SECONDS)) / s) * s + s;
  const phases: Phase[] =
    o.sli.kind === 'zeroTolerance' ? [{ minutes: live, perMinute: perMinute(o) }, { minutes: 90, perMinute: 0, absent: true }] : [{ ...phaseFor(o, o.critical, false, live) }, { minutes: 90, perMinute: 0, absent: true }];
  return [
    {
      name: `${o.name}: inputs vanish -> ${rule.alert} after ${promDuration(NO_DATA_AFTER_SECONDS)} without samples`,
      interval: inputInterval(o),
      input_series: inputs(profile, o, phases),
      alert_rule_test: [check(live + 10, rule.alert, []), check(notYet, rule.alert, []), check(firesAt, rule.alert, [expected(rule, o, 0, base)])],
    },
  ];
}

function escalationCases(profile: Profile, o: Objective): TestCase[] {
  const e = o.escalation;
  if (e === undefined || e.kind === 'immediate') return [];
  const c = objectiveComponents(profile, o);
  const [rule] = escalationAlerts(c);
  if (rule === undefined) return [];
  const base = { [LABEL_PROFILE]: profile.name, [LABEL_OBJECTIVE]: o.name };
  if (e.kind === 'delay') {
    const s = stepOf(o);
    const zero = o.sli.kind === 'zeroTolerance';
    // Zero tolerance: one bad event keeps the critical alert firing only while the window holds it.
    const tl = zero ? zeroToleranceTimeline(o, false) : undefined;
    const critFiring = tl === undefined ? s + roundUp(minutes(o.critical.forSeconds), s) : tl.first + minutes(o.critical.forSeconds);
    const fires = critFiring + roundUp(minutes(e.afterSeconds), s);
    const escalates = tl === undefined || fires <= tl.lastSafe;
    const phases: Phase[] = zero ? [{ minutes: 10, perMinute: perMinute(o) }, { minutes: fires + 10, perMinute: perMinute(o), badEvents: 1 }] : [phaseFor(o, o.critical, true, fires + 10)];
    return [
      {
        name: `${o.name}: ${thresholdAlertName(o, o.critical)} unresolved for ${promDuration(e.afterSeconds)} ${escalates ? 'escalates' : 'cannot escalate (one event leaves the window first)'} to ${e.to}`,
        interval: inputInterval(o),
        input_series: inputs(profile, o, phases),
        alert_rule_test: [check(fires - s, rule.alert, []), check(escalates ? fires : tl.lastSafe, rule.alert, escalates ? [expected(rule, o, 1, base)] : [])],
      },
    ];
  }
  // The counted series is born with its n events at 10m: both Prometheus versions count exactly n (no extrapolation)
  // while the window holds that first sample.
  const w = minutes(e.windowSeconds);
  const s = stepOf(o);
  return [e.above + 1, e.above].map((n) => {
    const fire = () => (n > e.above ? [expected(rule, o, n, {})] : []);
    return {
      name: `${o.name}: ${String(n)} events in ${promDuration(e.windowSeconds)} ${n > e.above ? 'escalate' : 'do not escalate'} to ${e.to} (limit ${String(e.above)})`,
      interval: inputInterval(o),
      input_series: [eventSeries(profile, e.events, [{ minutes: 10, perMinute: 0, absent: true }, { minutes: w + 10, perMinute: 0, badEvents: n }], { samplesPerMinute: samplesPerMinute(o) })],
      // Last evaluation still holding the first sample, first one past it (evaluations every s minutes).
      alert_rule_test: [check(9, rule.alert, []), check(10, rule.alert, fire()), check(Math.floor((9 + w) / s) * s, rule.alert, fire()), check(roundUp(10 + w, s), rule.alert, [])],
    };
  });
}

function simulatable(o: Objective): boolean {
  const s = o.sli;
  const ev = (x: { kind: string }) => x.kind === 'series';
  switch (s.kind) {
    case 'ratio':
      return ev(s.events) && ev(s.total);
    case 'perEvent':
      return ev(s.value) && ev(s.events);
    case 'zeroTolerance':
      return ev(s.events) && (s.population === undefined || ev(s.population));
    default:
      return true;
  }
}

export function objectiveTests(profile: Profile, o: Objective): TestCase[] {
  const styles: LeStyle[] = ['js', 'prom3', 'go'];
  if (o.sli.kind === 'zeroTolerance') return [...zeroToleranceCases(profile, o), ...burnCases(profile, o), ...noDataCases(profile, o), ...escalationCases(profile, o)];
  return [...thresholdCases(profile, o, styles), ...burnCases(profile, o), ...noDataCases(profile, o), ...escalationCases(profile, o)];
}

export function testFilePath(profile: string, objective: string): string {
  return `rules/${profile}/tests/${objective}.yaml`;
}

export function generatePromtoolTests(profile: Profile): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const o of profile.objectives) {
    const header = `# ${GENERATED_NOTICE}\n# promtool unit tests for ${profile.name}/${o.name}: run \`promtool test rules ${testFilePath(profile.name, o.name)}\`\n`;
    if (!simulatable(o)) {
      files.push({ path: testFilePath(profile.name, o.name), content: `${header}# Not generated: the SLI reads user PromQL, which cannot be simulated from the spec.\nrule_files: [../rules.yaml]\ntests: []\n` });
      continue;
    }
    const doc = {
      rule_files: [`../${ruleFilePath(profile.name).split('/').pop()!}`],
      evaluation_interval: promDuration(ruleIntervalSeconds(o)),
      tests: objectiveTests(profile, o),
    };
    files.push({ path: testFilePath(profile.name, o.name), content: header + stringify(doc, { lineWidth: 0 }) });
  }
  return files;
}
