/**
 * Alerting rules of one objective: warning/critical threshold alerts over the alert window (with the spec's `for`
 * and a minimum-traffic guard), the zero-tolerance alert (any bad event, at once), the no-data alert when the
 * inputs vanish (never for optional objectives), and escalation alerts (delay, immediate, condition).
 */
import {
  LABEL_ALERTNAME,
  LABEL_ALERTSTATE,
  LABEL_ALERT_LEVEL,
  LABEL_COMPONENT,
  LABEL_ESCALATION,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  PROM_ALERTS,
  RECORD_COMPONENT_RATE,
  alertName,
} from '../../conventions.js';
import { promDuration, unitThreshold } from '../../format.js';
import { type Objective, type Threshold, thresholdsOf } from '../../profile/model.js';
import { eventCountExpr } from '../../sli/queries.js';
import { componentCount, countAt, isRawWindow, type ObjectiveComponents, objectiveMatchers } from '../components.js';
import { valueTemplate } from '../humanize.js';
import { goTemplateLiteral } from '../../escape.js';
import { alertAnnotations, alertLabels } from '../labels.js';
import { breachOp, eventsSelector, fractionSelector, ruleUnknowable, sliSelector } from './recording.js';
import { knownCount } from '../../sli/gap-marker.js';
import type { AlertingRule } from './rule-types.js';

/** No-data alerts fire when the denominator's short-window rate has had no sample for this long. */
export const NO_DATA_AFTER_SECONDS = 3600;

export function thresholdAlertName(o: Objective, t: Threshold): string {
  return alertName(o.name, o.sli.kind === 'zeroTolerance' ? 'violation' : t.level);
}

function minTrafficGuard(c: ObjectiveComponents, w: number): string {
  const o = c.objective;
  if (o.minEvents <= 0) return '';
  const on = `on(${LABEL_PROFILE}, ${LABEL_OBJECTIVE})`;
  const enough = `${eventsSelector(c, w)} >= ${String(o.minEvents)}`;
  // cost > 0 with zero successful tasks is +Inf, a critical breach whatever the traffic (DESIGN.md ruling).
  if (o.sli.kind === 'perEvent') return ` and ${on} (${enough} or ${on} ${sliSelector(c, w)} == +Inf)`;
  return ` and ${on} ${enough}`;
}

function levelWord(o: Objective, t: Threshold): string {
  return o.direction === 'higher_is_better' ? `below its ${t.level} threshold` : `above its ${t.level} threshold`;
}

/** Expression of the threshold condition (shared with escalation alerts). */
export function thresholdExpr(c: ObjectiveComponents, t: Threshold): string {
  const o = c.objective;
  const w = o.windows.alert;
  if (o.sli.kind === 'zeroTolerance') return zeroToleranceExpr(c, t);
  if (o.sli.kind === 'quantile') return `${fractionSelector(c, w, t.value)} < ${String(o.sli.quantile)}${minTrafficGuard(c, w)}`;
  return `${sliSelector(c, w)} ${breachOp(o)} ${String(t.value)}${minTrafficGuard(c, w)}`;
}

/**
 * Any bad event in the alert window. A failure counter created by its first failure is counted from zero by the
 * count itself (promql/counter-increase.ts), so its first event fires too.
 */
function zeroToleranceExpr(c: ObjectiveComponents, t: Threshold): string {
  const o = c.objective;
  const s = o.sli;
  if (s.kind !== 'zeroTolerance') throw new Error('not a zero-tolerance objective');
  const w = o.windows.alert;
  // The raw count without padding: a missing failure series is simply no alert.
  // A recorded window whose start a gap straddles is no data unless the count is a known 0 (sli/gap-marker.ts).
  const u = ruleUnknowable(c, w);
  const count = isRawWindow(w) ? componentCount(c, 'bad', w) : u === undefined ? countAt(c, 'bad', w) : knownCount(countAt(c, 'bad', w), u);
  return `${count} > ${String(t.value)}`;
}

function observedTemplate(c: ObjectiveComponents, t: Threshold): { observed: string; threshold: string } {
  const o = c.objective;
  const w = promDuration(o.windows.alert);
  if (o.sli.kind === 'quantile') {
    const pct = `p${String(Number((o.sli.quantile * 100).toPrecision(6)))}`;
    const sli = sliSelector(c, o.windows.alert);
    return {
      observed:
        `${pct} ≈ {{ with query \`${sli}\` }}${valueTemplate(o.unit, '. | first | value')}{{ else }}unknown{{ end }}` +
        ` ({{ $value | humanizePercentage }} of events <= ${unitThreshold(o.unit, t.value)}, needs >= ${String(o.sli.quantile * 100)}%)`,
      threshold: `${pct} > ${unitThreshold(o.unit, t.value)} over ${w}`,
    };
  }
  return { observed: valueTemplate(o.unit), threshold: `${breachOp(o)} ${unitThreshold(o.unit, t.value)} over ${w}` };
}

export function thresholdAlerts(c: ObjectiveComponents): AlertingRule[] {
  const o = c.objective;
  const w = promDuration(o.windows.alert);
  return thresholdsOf(o).map((t) => {
    const zero = o.sli.kind === 'zeroTolerance';
    const { observed, threshold } = zero
      ? { observed: `${valueTemplate('events')} in the last ${w}`, threshold: `any event (zero tolerance)` }
      : observedTemplate(c, t);
    return {
      alert: thresholdAlertName(o, t),
      expr: thresholdExpr(c, t),
      forSeconds: t.forSeconds,
      labels: alertLabels(c.profile, o, zero ? 'zero_tolerance' : 'threshold', t.severity, { [LABEL_ALERT_LEVEL]: t.level }),
      annotations: alertAnnotations(o, {
        summary: zero ? `${goTemplateLiteral(o.title)}: zero-tolerance violation ({{ $value | printf "%.0f" }} in ${w})` : `${goTemplateLiteral(o.title)} ${levelWord(o, t)}: ${observed} (${threshold})`,
        description: `${goTemplateLiteral(o.description)}${o.minEvents > 0 && !zero ? ` Fires only with at least ${String(o.minEvents)} events in the ${w} window.` : ''}`,
        observed,
        threshold,
        window: w,
      }),
    };
  });
}

/** Fires when the objective's denominator has had no series for NO_DATA_AFTER; never for optional objectives. */
export function noDataAlert(c: ObjectiveComponents): AlertingRule | undefined {
  const o = c.objective;
  if (o.activeOnlyWithData) return undefined;
  if (o.sli.kind === 'zeroTolerance' && o.sli.population === undefined) return undefined;
  const after = promDuration(NO_DATA_AFTER_SECONDS);
  // `=~` keeps slo_component off the alert's labels (absent_over_time copies equality matchers only).
  const sel = `${RECORD_COMPONENT_RATE}{${objectiveMatchers(c.profile, o.name)},${LABEL_COMPONENT}=~"${c.total}"}`;
  const severity = (o.warning ?? o.critical).severity;
  return {
    alert: alertName(o.name, 'no_data'),
    expr: `absent_over_time(${sel}[${after}])`,
    forSeconds: 0,
    labels: alertLabels(c.profile, o, 'no_data', severity),
    annotations: alertAnnotations(o, {
      summary: `${goTemplateLiteral(o.title)}: no data for ${after} - its input series vanished`,
      description: `The series the ${o.name} SLI is computed from (${c.total}) have not been seen for ${after}. Check the exporter, the scrape target or the collector; the release gate fails closed without data.`,
      observed: `no samples for ${after}`,
      threshold: `inputs present`,
      window: after,
    }),
  };
}

export function escalationAlerts(c: ObjectiveComponents): AlertingRule[] {
  const o = c.objective;
  const e = o.escalation;
  if (e === undefined) return [];
  const crit = o.critical;
  const base = thresholdAlerts(c).find((a) => a.labels[LABEL_ALERT_LEVEL] === 'critical')!;
  const labels = alertLabels(c.profile, o, 'escalation', e.severity, { [LABEL_ESCALATION]: e.to });
  const name = alertName(o.name, 'escalation');
  switch (e.kind) {
    case 'immediate':
      return [{ ...base, alert: name, labels, annotations: { ...base.annotations, summary: `Escalation to ${goTemplateLiteral(e.to)}: ${base.annotations.summary ?? ''}` } }];
    case 'delay': {
      const after = promDuration(e.afterSeconds);
      const firing = `${PROM_ALERTS}{${LABEL_ALERTNAME}="${thresholdAlertName(o, crit)}",${LABEL_ALERTSTATE}="firing",${objectiveMatchers(c.profile, o.name)}}`;
      return [
        {
          alert: name,
          expr: `count by (${LABEL_PROFILE}, ${LABEL_OBJECTIVE}) (${firing}) > 0`,
          forSeconds: e.afterSeconds,
          labels,
          annotations: alertAnnotations(o, {
            summary: `Escalation to ${goTemplateLiteral(e.to)}: ${goTemplateLiteral(o.title)} critical alert unresolved for ${after}`,
            description: `${thresholdAlertName(o, crit)} has been firing for ${after}: ${goTemplateLiteral(e.to)} takes over.`,
            observed: `${thresholdAlertName(o, crit)} firing for ${after}`,
            threshold: `unresolved after ${after}`,
            window: after,
          }),
        },
      ];
    }
    case 'condition': {
      const w = promDuration(e.windowSeconds);
      return [
        {
          alert: name,
          expr: `${eventCountExpr(e.events, w, c.scope)} > ${String(e.above)}`,
          forSeconds: 0,
          labels,
          annotations: alertAnnotations(o, {
            summary: `Escalation to ${goTemplateLiteral(e.to)}: more than ${String(e.above)} ${eventsName(e.events)} in ${w}`,
            description: `${String(e.above)} is the escalation limit for ${goTemplateLiteral(o.title)}: ${goTemplateLiteral(e.to)} reviews.`,
            observed: `${valueTemplate('events')} in ${w}`,
            threshold: `> ${String(e.above)} events`,
            window: w,
          }),
        },
      ];
    }
  }
}

function eventsName(s: { kind: string; signal?: string }): string {
  return s.kind === 'series' && s.signal !== undefined ? s.signal.replaceAll('_', ' ') : 'events';
}
