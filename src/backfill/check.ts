/**
 * `agent-slo backfill check`: what the generated rules and the release gate would have said over a past span, day by
 * day, so thresholds can be tuned before they are enforced. Alerts are derived from range queries of their
 * expressions (recorded series expanded to raw PromQL, see check-expand.ts) plus `for`; the gate is evaluated at each
 * day's end with the gate's own plan, evaluation and policy (nothing is written to the audit log: this is a what-if).
 */
import { LABEL_SEVERITY } from '../conventions.js';
import { evaluatePlan, errorReason } from '../gate/evaluate.js';
import { decide, overall, type Verdict } from '../gate/policy.js';
import { planGate } from '../gate/queries.js';
import { profileRuleGroups } from '../generate/prometheus/rules.js';
import type { PrometheusClient } from '../prometheus/client.js';
import type { Profile } from '../profile/model.js';
import { firingFromSeries, type FiringSpan, mergeSpans, overlaps, type Span } from './check-alerts.js';
import { alertingRules, createExpander } from './check-expand.js';

const DAY = 86_400;
const MAX_POINTS = 10_000;

export interface CheckOptions {
  readonly profile: Profile;
  readonly client: PrometheusClient;
  /** Seconds since the epoch. */
  readonly from: number;
  readonly to: number;
  /** Range-query step (default 300 s); `for` is resolved to this resolution. */
  readonly stepSeconds?: number;
  /** Evaluate the gate at each day's end (default true). */
  readonly gate?: boolean;
  readonly onProgress?: (line: string) => void;
}

export interface AlertHistory {
  readonly alert: string;
  readonly severity: string;
  readonly forSeconds: number;
  readonly spans: readonly FiringSpan[];
  /** Why the alert could not be derived (the check then fails). */
  readonly error?: string;
}

export interface DayGate {
  readonly at: number;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
}

export interface DayReport {
  readonly start: number;
  readonly end: number;
  readonly alerts: readonly { readonly alert: string; readonly severity: string; readonly from: number; readonly to: number }[];
  readonly gate?: DayGate;
}

export interface CheckReport {
  readonly profile: string;
  readonly from: number;
  readonly to: number;
  readonly stepSeconds: number;
  readonly alerts: readonly AlertHistory[];
  readonly days: readonly DayReport[];
  /** Names of the alerts that would have fired in [from, to]. */
  readonly fired: readonly string[];
  readonly errors: readonly string[];
}

async function rangeChunks(client: PrometheusClient, expr: string, from: number, to: number, step: number) {
  const series = new Map<string, { labels: Record<string, string>; samples: { timestamp: number; value: number }[] }>();
  for (let start = from; start <= to; start += MAX_POINTS * step) {
    const end = Math.min(to, start + (MAX_POINTS - 1) * step);
    const res = await client.rangeQuery(expr, start, end, step);
    if (res.warnings.length > 0) throw new Error(`the server attached warnings: ${res.warnings.join('; ')}`);
    for (const s of res.result) {
      const key = JSON.stringify(Object.entries(s.labels).sort());
      const prev = series.get(key);
      if (prev === undefined) series.set(key, { labels: s.labels, samples: [...s.samples] });
      else prev.samples.push(...s.samples);
    }
  }
  return [...series.values()];
}

/** Runs the check (queries Prometheus; pure otherwise). */
export async function runBackfillCheck(opts: CheckOptions): Promise<CheckReport> {
  const step = opts.stepSeconds ?? 300;
  const progress = opts.onProgress ?? (() => undefined);
  const groups = profileRuleGroups(opts.profile);
  const expander = createExpander(opts.profile, groups);
  const rules = alertingRules(groups);
  const maxFor = Math.max(0, ...rules.map((r) => r.forSeconds));
  const queryFrom = Math.floor((opts.from - maxFor - step) / step) * step;
  const errors: string[] = [];

  const direct = rules.filter((r) => expander.alertsRead(r.expr).length === 0);
  const viaAlerts = rules.filter((r) => expander.alertsRead(r.expr).length > 0);
  const histories = new Map<string, AlertHistory>();
  await Promise.all(
    direct.map(async (r) => {
      const severity = r.labels[LABEL_SEVERITY] ?? '';
      try {
        const expr = expander.expand(r.expr);
        const started = Date.now();
        const series = await rangeChunks(opts.client, expr, queryFrom, opts.to, step);
        const spans = firingFromSeries(series, step, r.forSeconds).filter((s) => overlaps(s, opts.from, opts.to + step));
        histories.set(r.alert + JSON.stringify(r.labels), { alert: r.alert, severity, forSeconds: r.forSeconds, spans });
        progress(`  ${r.alert}: ${spans.length === 0 ? 'never fired' : `${spans.length} firing span(s)`} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        const reason = errorReason(err);
        errors.push(`${r.alert}: ${reason}`);
        histories.set(r.alert + JSON.stringify(r.labels), { alert: r.alert, severity, forSeconds: r.forSeconds, spans: [], error: reason });
      }
    }),
  );
  // Alerts that read ALERTS (escalation after a delay): pending while the alerts they read fire.
  for (const r of viaAlerts) {
    const read = expander.alertsRead(r.expr);
    const sources: Span[] = [...histories.values()].filter((h) => read.includes(h.alert)).flatMap((h) => h.spans);
    const merged = mergeSpans(sources, step);
    const spans: FiringSpan[] = merged
      .filter((s) => s.end - s.start >= r.forSeconds)
      .map((s) => ({ start: s.start + r.forSeconds, end: s.end, labels: {} }));
    histories.set(r.alert + JSON.stringify(r.labels), { alert: r.alert, severity: r.labels[LABEL_SEVERITY] ?? '', forSeconds: r.forSeconds, spans });
  }
  const alerts = rules.map((r) => histories.get(r.alert + JSON.stringify(r.labels))).filter((h): h is AlertHistory => h !== undefined);

  const days: DayReport[] = [];
  for (let start = opts.from; start < opts.to; start += DAY) {
    const end = Math.min(opts.to, start + DAY);
    const fired = alerts.flatMap((h) =>
      h.spans.filter((s) => overlaps(s, start, end)).map((s) => ({ alert: h.alert, severity: h.severity, from: Math.max(s.start, start), to: Math.min(s.end, end) })),
    );
    days.push({ start, end, alerts: fired });
  }
  if (opts.gate !== false) {
    for (const [i, d] of days.entries()) {
      const plan = planGate(opts.profile, { at: d.end });
      const evaluated = await evaluatePlan(opts.client, plan);
      const result = overall(decide({ profile: opts.profile, hotfix: false }, evaluated.observations).objectives);
      days[i] = { ...d, gate: { at: d.end, verdict: result.verdict, reasons: result.reasons } };
      progress(`  gate at ${new Date(d.end * 1000).toISOString()}: ${result.verdict}`);
    }
  }
  const fired = [...new Set(alerts.filter((a) => a.spans.length > 0).map((a) => a.alert))];
  return { profile: opts.profile.name, from: opts.from, to: opts.to, stepSeconds: step, alerts, days, fired, errors };
}
