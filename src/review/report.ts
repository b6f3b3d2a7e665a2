/**
 * Review data → the review report (pure): per objective the value per slice, over the period and the previous
 * one, the trend, budget consumed, alerts fired, approvals/overrides, and why it needs attention.
 */
import { breaches, type Objective } from '../profile/model.js';
import { jsonNumber, type JsonNumber } from '../format.js';
import { type ObjectiveState, stateOf } from '../sli/state.js';
import { type FiredAlert, firedAlerts } from './alerts.js';
import type { AuditDecision, AuditEvaluation, AuditSummary } from '../audit/summary.js';
import type { ObjectiveReviewData, ReviewData, SpanValue } from './collect.js';
import type { PeriodKind } from './period.js';

export const REVIEW_REPORT_SCHEMA = 'agent-slo/review-report/v1';

export type Trend = 'better' | 'worse' | 'unchanged' | 'n/a';

/**
 * A change smaller than this share of the objective's own scale (|target − critical|) is "unchanged". Relative
 * change of the value would be wrong for ratios near 1: 99.9% → 99.0% is under 1% but ten times the errors.
 */
export const TREND_TOLERANCE = 0.01;

/** Budget share spent in a period at or above which an objective needs attention (the slow-burn level). */
export const BUDGET_ATTENTION = 0.5;

export interface SpanReport {
  readonly label: string;
  readonly start: string;
  readonly end: string;
  readonly value: JsonNumber;
  readonly events: number | null;
  readonly state: ObjectiveState;
  readonly noDataReason?: string;
  /** Share of the error budget the span spent (bad ratio / allowed); null without a budget or data. */
  readonly budgetConsumed: JsonNumber;
}

export interface ObjectiveReport {
  readonly name: string;
  readonly title: string;
  readonly unit: string;
  readonly direction: string;
  readonly target: number;
  readonly warning: number | null;
  readonly critical: number;
  readonly owner: string;
  readonly runbook: string;
  readonly active: boolean;
  readonly period: SpanReport;
  readonly previous: SpanReport;
  readonly trend: Trend;
  readonly slices: readonly SpanReport[];
  readonly history: readonly SpanReport[];
  readonly alerts: readonly FiredAlert[];
  readonly decisions: readonly AuditDecision[];
  readonly attention: readonly string[];
}

export interface ReviewReport {
  readonly schema: string;
  readonly profile: { readonly name: string; readonly title: string };
  readonly period: { readonly kind: PeriodKind; readonly label: string; readonly start: string; readonly end: string; readonly previous: { readonly label: string; readonly start: string; readonly end: string } };
  readonly generatedAt: string;
  readonly prometheus: string;
  /** Warnings the server attached to its answers (redacted, bounded): the numbers may be incomplete. */
  readonly warnings: readonly string[];
  readonly objectives: readonly ObjectiveReport[];
  /** Alerts of the profile without an slo_objective label. */
  readonly otherAlerts: readonly FiredAlert[];
  readonly audit: {
    readonly file: string | null;
    readonly verified: boolean | null;
    readonly problem?: string;
    /** A keyed (HMAC) log read without its key: records are listed, none could be checked. */
    readonly keyRequired?: boolean;
    /** What the verification is worth: the anchor beside the log, no key (docs/security.md). */
    readonly notes: readonly string[];
    readonly gateRuns: readonly AuditEvaluation[];
  };
  readonly needsAttention: readonly { readonly objective: string; readonly reasons: readonly string[] }[];
}

function iso(t: number): string {
  return new Date(t * 1000).toISOString();
}

function spanReport(v: SpanValue): SpanReport {
  const base = { label: v.span.label, start: iso(v.span.start), end: iso(v.span.end) };
  const b = v.budget?.outcome;
  const budgetConsumed = b === undefined || b.status !== 'ok' ? null : jsonNumber(b.consumed);
  if (v.outcome.status === 'no_data') return { ...base, value: null, events: null, state: 'no_data', noDataReason: v.outcome.reason, budgetConsumed };
  return { ...base, value: jsonNumber(v.outcome.value), events: v.outcome.events, state: stateOf(v.outcome), budgetConsumed };
}

function num(v: JsonNumber): number | undefined {
  if (v === null) return undefined;
  if (typeof v === 'number') return v;
  return v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : NaN;
}

/** Direction-aware trend of `now` vs `before`; a change within TREND_TOLERANCE × |target − critical| is unchanged. */
export function trendOf(o: Objective, now: JsonNumber, before: JsonNumber): Trend {
  const a = num(now);
  const b = num(before);
  if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) return 'n/a';
  if (a === b) return 'unchanged';
  if (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= TREND_TOLERANCE * Math.abs(o.target - o.critical.value)) return 'unchanged';
  const better = o.direction === 'higher_is_better' ? a > b : a < b;
  return better ? 'better' : 'worse';
}

/** Decisions scoped to the profile and objective whose validity overlaps the period (or recorded in it). */
export function decisionsFor(decisions: readonly AuditDecision[], profile: string, objective: string, start: number, end: number): AuditDecision[] {
  return decisions.filter((d) => {
    if (d.profile !== profile) return false;
    if (!d.objectives.includes('*') && !d.objectives.includes(objective)) return false;
    const recorded = Date.parse(d.recordedAt) / 1000;
    const from = Date.parse(d.effectiveFrom) / 1000;
    const until = d.expiresAt === '' ? Infinity : Date.parse(d.expiresAt) / 1000;
    return (recorded > start && recorded <= end) || (from < end && until > start);
  });
}

function fmt(v: JsonNumber): string {
  return v === null ? 'no data' : String(v);
}

function attentionOf(o: Objective, r: Omit<ObjectiveReport, 'attention'>, kind: PeriodKind): string[] {
  if (!r.active) return [];
  const out: string[] = [];
  const unit = kind === 'week' ? 'day' : 'week';
  const p = r.period;
  if (p.state === 'no_data') out.push(`no data over the ${kind} (${p.noDataReason ?? 'no events'})`);
  else if (p.state === 'critical') out.push(`critical over the ${kind}: ${fmt(p.value)} breaches ${o.critical.value}`);
  else if (p.state === 'warning') out.push(`warning over the ${kind}: ${fmt(p.value)} breaches ${String(o.warning?.value)}`);
  else if (p.state === 'below_target') out.push(`target ${o.target} missed over the ${kind}: ${fmt(p.value)}`);
  const crit = r.slices.filter((s) => s.state === 'critical').length;
  const warn = r.slices.filter((s) => s.state === 'warning').length;
  if (crit > 0) out.push(`${crit} of ${r.slices.length} ${unit}s critical`);
  if (warn > 0) out.push(`${warn} of ${r.slices.length} ${unit}s at warning`);
  const consumed = num(p.budgetConsumed);
  if (consumed !== undefined && consumed >= 1) out.push(`error budget exhausted: ${fmtShare(consumed)} of it spent in the ${kind}`);
  else if (consumed !== undefined && consumed >= BUDGET_ATTENTION) out.push(`${fmtShare(consumed)} of the error budget spent in the ${kind}`);
  const fired = r.alerts.reduce((n, a) => n + a.firings, 0);
  if (fired > 0) out.push(`${fired} alert firing${fired === 1 ? '' : 's'} (${[...new Set(r.alerts.map((a) => a.alertname))].join(', ')})`);
  if (r.trend === 'worse') out.push(`worse than the previous ${kind} (${fmt(r.previous.value)} → ${fmt(p.value)})`);
  const overrides = r.decisions.filter((d) => d.kind === 'override').length;
  if (overrides > 0) out.push(`${overrides} override${overrides === 1 ? '' : 's'} in effect (emergency rollout)`);
  return out;
}

export function fmtShare(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%` : String(jsonNumber(v));
}

export interface BuildReviewOptions {
  readonly generatedAt: number;
  readonly prometheusUrl: string;
  /** Warnings the server attached to the answers this review read. */
  readonly warnings?: readonly string[];
  readonly audit?: AuditSummary;
  /** Notes on the audit log's trust (anchor beside the log, no key). */
  readonly auditNotes?: readonly string[];
}

function objectiveReport(d: ObjectiveReviewData, data: ReviewData, fired: readonly FiredAlert[], opts: BuildReviewOptions): ObjectiveReport {
  const o = d.objective;
  const period = spanReport(d.period);
  const previous = spanReport(d.previous);
  const slices = d.slices.map(spanReport);
  const history = d.history.map(spanReport);
  const anyData = [period, previous, ...slices].some((s) => s.state !== 'no_data');
  const base = {
    name: o.name,
    title: o.title,
    unit: o.unit,
    direction: o.direction,
    target: o.target,
    warning: o.warning?.value ?? null,
    critical: o.critical.value,
    owner: o.owner,
    runbook: o.runbookUrl,
    active: !(o.activeOnlyWithData && !anyData),
    period,
    previous,
    trend: trendOf(o, period.value, previous.value),
    slices,
    history,
    alerts: fired.filter((a) => a.objective === o.name),
    decisions: opts.audit === undefined ? [] : decisionsFor(opts.audit.decisions, data.profile.name, o.name, data.period.start, data.period.end),
  };
  return { ...base, attention: attentionOf(o, base, data.period.kind) };
}

/** The review report for one profile (pure). */
export function buildReview(data: ReviewData, opts: BuildReviewOptions): ReviewReport {
  const fired = firedAlerts(data.alerts, data.period.start, data.period.end);
  const names = new Set(data.profile.objectives.map((o) => o.name));
  const objectives = data.objectives.map((d) => objectiveReport(d, data, fired, opts));
  const severity = (r: ObjectiveReport): number => (r.period.state === 'critical' ? 0 : r.period.state === 'warning' ? 1 : r.period.state === 'no_data' ? 2 : 3);
  const needsAttention = objectives
    .filter((r) => r.attention.length > 0)
    .sort((a, b) => severity(a) - severity(b) || b.attention.length - a.attention.length)
    .map((r) => ({ objective: r.name, reasons: r.attention }));
  const audit = opts.audit;
  const gateRuns =
    audit === undefined
      ? []
      : audit.evaluations.filter((e) => {
          const t = Date.parse(e.at) / 1000;
          return e.profile === data.profile.name && t > data.period.start && t <= data.period.end;
        });
  return {
    schema: REVIEW_REPORT_SCHEMA,
    profile: { name: data.profile.name, title: data.profile.title },
    period: {
      kind: data.period.kind,
      label: data.period.label,
      start: iso(data.period.start),
      end: iso(data.period.end),
      previous: { label: data.period.previous.label, start: iso(data.period.previous.start), end: iso(data.period.previous.end) },
    },
    generatedAt: iso(opts.generatedAt),
    prometheus: opts.prometheusUrl,
    warnings: opts.warnings ?? [],
    objectives,
    otherAlerts: fired.filter((a) => a.objective === null || !names.has(a.objective)),
    audit: {
      file: audit?.file ?? null,
      verified: audit === undefined ? null : audit.verified,
      ...(audit?.problem === undefined ? {} : { problem: audit.problem }),
      ...(audit?.keyRequired === true ? { keyRequired: true } : {}),
      notes: audit === undefined ? [] : (opts.auditNotes ?? []),
      gateRuns,
    },
    needsAttention,
  };
}

/** True when `value` breaches the objective's target (exported for renderers). */
export function missesTarget(o: { direction: string; target: number }, value: number): boolean {
  return breaches(o.direction as Objective['direction'], value, o.target);
}
