/**
 * Error budget rules: burn rate per window (bad ratio / allowed ratio), budget remaining over the budget window,
 * burn-rate alerts (long AND short window both above the burn rate: the standard multi-window pairs when the spec
 * asks for them, and the spec's own pairs such as fast/slow burn) and the budget-exhausted alert.
 */
import { LABEL_BURN, LABEL_OBJECTIVE, LABEL_PROFILE, LABEL_WINDOW, RECORD_BUDGET_REMAINING, RECORD_BURN_RATE, alertName } from '../../conventions.js';
import { promDuration } from '../../format.js';
import type { BurnRateAlert } from '../../profile/model.js';
import { type BudgetRef, type ObjectiveComponents, objectiveMatchers } from '../components.js';
import { formatPercent } from '../humanize.js';
import { goTemplateLiteral } from '../../escape.js';
import { alertAnnotations, alertLabels } from '../labels.js';
import { baseLabels, eventsSelector, joinedRule, ruleCount, ruleKnownCount, sliSelector as sliSelectorAt, windowLabel } from './recording.js';
import type { AlertingRule, RecordingRule } from './rule-types.js';
import { burnRateCanFire, burnWindows } from '../windows.js';

/** Bad / total over `w`; a budget counting the SLI's own total reads the events recorded earlier in the group. */
function badRatio(c: ObjectiveComponents, b: BudgetRef, w: number): string {
  const total = b.total === c.total ? eventsSelector(c, w) : ruleKnownCount(c, b.total, w);
  const bad = b.bad !== undefined ? ruleCount(c, b.bad, w) : `(${total} - on() ${ruleCount(c, b.good ?? b.total, w)})`;
  return `${bad} / on() (${total} > 0)`;
}

export function burnRateSelector(c: ObjectiveComponents, w: number): string {
  return `${RECORD_BURN_RATE}{${objectiveMatchers(c.profile, c.objective.name)},${LABEL_WINDOW}="${promDuration(w)}"}`;
}

/** Burn rates over the budget and burn-rate windows, then budget remaining. */
export function budgetRecordingRules(c: ObjectiveComponents): RecordingRule[] {
  const b = c.objective.errorBudget;
  if (b === undefined || c.budget === undefined) return [];
  const parts = burnWindows(c.objective).map((w) => {
    // A ratio SLI is its own budget SLI: read the SLI recorded earlier in the group instead of recounting.
    const sli = c.objective.sli;
    const ratio =
      sli.kind === 'ratio' ? (sli.numerator === 'good' ? `1 - ${sliSelectorAt(c, w)}` : sliSelectorAt(c, w)) : badRatio(c, c.budget!, w);
    // Zero tolerance: any bad event is an infinite burn rate (compute.ts: consumed = +Inf); none is 0.
    return { labels: windowLabel(w), expr: b.allowed === 0 ? `((${ratio}) > 0) * 0 + Inf or ((${ratio}) == 0)` : `(${ratio}) / ${String(b.allowed)}` };
  });
  // One rule for every burn window.
  const rules: RecordingRule[] = [joinedRule(RECORD_BURN_RATE, c, parts)];
  rules.push({
    record: RECORD_BUDGET_REMAINING,
    expr: `1 - max without (${LABEL_WINDOW}) (${burnRateSelector(c, b.windowSeconds)})`,
    labels: baseLabels(c),
    comment: `fraction of the ${promDuration(b.windowSeconds)} error budget (${formatPercent(b.allowed)} bad events allowed) left; <= 0 exhausted`,
  });
  return rules;
}

function guard(c: ObjectiveComponents, w: number): string {
  const min = c.objective.minEvents;
  return min > 0 ? ` and on(${LABEL_PROFILE}, ${LABEL_OBJECTIVE}) ${eventsSelector(c, w)} >= ${String(min)}` : '';
}

/** Burn-rate alerts that can fire, and comments for those that cannot. */
export function burnRateAlerts(c: ObjectiveComponents): { rules: AlertingRule[]; comments: string[] } {
  const o = c.objective;
  const b = o.errorBudget;
  if (b === undefined) return { rules: [], comments: [] };
  const rules: AlertingRule[] = [];
  const comments: string[] = [];
  for (const a of b.burnRateAlerts) {
    if (!burnRateCanFire(a.burnRate, b.allowed)) {
      comments.push(
        `${alertName(o.name, a.name)} is not generated: burn rate ${a.burnRate.toFixed(2)} × allowed ${formatPercent(b.allowed)} = ` +
          `${formatPercent(a.burnRate * b.allowed)} bad events, more than 100%, so it could never fire ` +
          `(${formatPercent(a.consumed)} of a ${promDuration(b.windowSeconds)} budget within ${promDuration(a.withinSeconds)}).`,
      );
      continue;
    }
    rules.push(burnRateAlert(c, a));
  }
  return { rules, comments };
}

function burnRateAlert(c: ObjectiveComponents, a: BurnRateAlert): AlertingRule {
  const o = c.objective;
  const b = o.errorBudget!;
  const br = Number(a.burnRate.toPrecision(12));
  const long = promDuration(a.withinSeconds);
  const short = promDuration(a.shortWindowSeconds);
  const on = `on(${LABEL_PROFILE}, ${LABEL_OBJECTIVE})`;
  return {
    alert: alertName(o.name, a.name),
    expr: `${burnRateSelector(c, a.withinSeconds)} > ${String(br)} and ${on} ${burnRateSelector(c, a.shortWindowSeconds)} > ${String(br)}${guard(c, a.withinSeconds)}`,
    forSeconds: 0,
    labels: alertLabels(c.profile, o, 'burn_rate', a.severity, { [LABEL_BURN]: a.name }),
    annotations: alertAnnotations(o, {
      summary: `${goTemplateLiteral(o.title)}: error budget burning ${a.standard ? '(multi-window) ' : ''}at {{ $value | printf "%.1f" }}x over ${long} (${a.name})`,
      description:
        `More than ${formatPercent(a.consumed)} of the ${promDuration(b.windowSeconds)} error budget (${formatPercent(b.allowed)} bad events) ` +
        `is being consumed within ${long}: the burn rate is above ${String(br)} over both ${long} and ${short}.`,
      observed: `burn rate {{ $value | printf "%.2f" }} over ${long}`,
      threshold: `burn rate > ${String(br)} over ${long} and ${short}`,
      window: `${long} / ${short}`,
    }),
  };
}

export function budgetExhaustedAlert(c: ObjectiveComponents): AlertingRule | undefined {
  const o = c.objective;
  const b = o.errorBudget;
  if (b === undefined || c.budget === undefined) return undefined;
  const w = promDuration(b.windowSeconds);
  const freeze = b.onExhausted === 'freeze';
  return {
    alert: alertName(o.name, 'budget_exhausted'),
    expr: `${RECORD_BUDGET_REMAINING}{${objectiveMatchers(c.profile, o.name)}} <= 0${guard(c, b.windowSeconds)}`,
    forSeconds: 0,
    labels: alertLabels(c.profile, o, 'budget_exhausted', b.exhaustedSeverity),
    annotations: alertAnnotations(o, {
      summary: `${goTemplateLiteral(o.title)}: error budget exhausted over ${w}${freeze ? ' - deployments frozen, hotfixes only' : ''}`,
      description:
        `The ${w} error budget (${formatPercent(b.allowed)} bad events) is used up.` +
        (freeze ? ' Stop non-critical changes: only hotfixes are allowed until the budget recovers; do a root cause analysis.' : ''),
      observed: `{{ $value | humanizePercentage }} of the budget left`,
      threshold: `budget remaining <= 0%`,
      window: w,
    }),
  };
}
