/**
 * The review's tables as text cells (pure): one definition for every output format (Markdown in render.ts, HTML in
 * render-html.ts), so both show the same values with the same units.
 */
import { type JsonNumber, unitValue } from '../format.js';
import type { FiredAlert } from './alerts.js';
import { fmtShare, type ObjectiveReport, type ReviewReport, type SpanReport } from './report.js';

export interface TextTable {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A value in its unit (review: `no data` when missing). */
export function formatValue(unit: string, v: JsonNumber): string {
  return unitValue(unit, v, 'no data');
}

const STATE_MARK: Record<string, string> = { ok: 'ok', below_target: 'below target', warning: 'WARNING', critical: 'CRITICAL', no_data: 'no data', not_active: 'not active' };

export function spanCell(o: ObjectiveReport, s: SpanReport): string {
  const v = formatValue(o.unit, s.value);
  return s.state === 'ok' || s.state === 'no_data' ? v : `${v} (${STATE_MARK[s.state] ?? s.state})`;
}

export function budgetCell(s: SpanReport): string {
  if (s.budgetConsumed === null) return '—';
  const n = typeof s.budgetConsumed === 'number' ? s.budgetConsumed : Infinity;
  return n >= 1 ? `${fmtShare(n)} (exhausted)` : fmtShare(n);
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  if (seconds < 2 * 86_400) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

function alertRows(alerts: readonly FiredAlert[]): string[][] {
  return alerts.map((a) => [a.alertname, a.objective ?? '—', a.severity || '—', String(a.firings), a.firstFiring.replace('T', ' ').slice(0, 16), duration(a.firingSeconds)]);
}

export function shortTitle(title: string): string {
  const i = title.indexOf(' (');
  return i === -1 ? title : title.slice(0, i);
}

export function objectivesTable(r: ReviewReport): TextTable {
  const kind = r.period.kind;
  return {
    head: ['Objective', 'Target', kind === 'week' ? 'This week' : 'This month', kind === 'week' ? 'Previous week' : 'Previous month', 'Trend', 'Budget consumed', 'Alerts', 'Owner'],
    rows: r.objectives.map((o) => [
      o.name,
      formatValue(o.unit, o.target),
      o.active ? spanCell(o, o.period) : 'not active',
      formatValue(o.unit, o.previous.value),
      o.trend,
      budgetCell(o.period),
      String(o.alerts.reduce((n, a) => n + a.firings, 0)),
      o.owner,
    ]),
  };
}

/** Per day (week) or per week (month), active objectives only. */
export function slicesTable(r: ReviewReport): TextTable {
  const labels = r.objectives[0]?.slices.map((s) => s.label) ?? [];
  return { head: ['Objective', ...labels], rows: r.objectives.filter((o) => o.active).map((o) => [o.name, ...o.slices.map((s) => spanCell(o, s))]) };
}

/** Alerts fired in the period, or null when none fired. */
export function alertsTable(r: ReviewReport): TextTable | null {
  const alerts = [...r.objectives.flatMap((o) => o.alerts), ...r.otherAlerts];
  return alerts.length === 0 ? null : { head: ['Alert', 'Objective', 'Severity', 'Firings', 'First fired (UTC)', 'Time firing'], rows: alertRows(alerts) };
}

/** Approvals and overrides of the period (each once), or null when none. */
export function decisionsTable(r: ReviewReport): TextTable | null {
  const seen = new Set<string>();
  const decisions = r.objectives.flatMap((o) => o.decisions).filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
  if (decisions.length === 0) return null;
  return {
    head: ['Kind', 'Id', 'Actor', 'Objectives', 'Effective', 'Expires', 'Ticket', 'Reason'],
    rows: decisions.map((d) => [d.kind, d.id, d.actor, d.objectives.join(', '), d.effectiveFrom, d.expiresAt, d.ticket, d.reason]),
  };
}

export function gateRunsLine(r: ReviewReport): string {
  const runs = r.audit.gateRuns;
  const byVerdict = new Map<string, number>();
  for (const g of runs) byVerdict.set(g.verdict, (byVerdict.get(g.verdict) ?? 0) + 1);
  return `Release gate runs in the period: ${runs.length}${runs.length === 0 ? '' : ` (${[...byVerdict.entries()].map(([v, n]) => `${n} ${v}`).join(', ')})`}.`;
}

/** Document 002's "Historical SLO Performance" table: Month | <objectives> | Budget Consumed (the largest share, named). */
export function historyRows(r: ReviewReport): TextTable {
  const active = r.objectives.filter((o) => o.active);
  const months = active[0]?.history.length ?? 0;
  const rows: string[][] = [];
  for (let i = 0; i < months; i++) {
    const cells = [active[0]?.history[i]?.label ?? ''];
    let worst: { name: string; v: number } | undefined;
    for (const o of active) {
      const h = o.history[i] as SpanReport;
      cells.push(formatValue(o.unit, h.value));
      const c = h.budgetConsumed === null ? undefined : typeof h.budgetConsumed === 'number' ? h.budgetConsumed : Infinity;
      if (c !== undefined && (worst === undefined || c > worst.v)) worst = { name: o.name, v: c };
    }
    cells.push(worst === undefined ? '—' : `${fmtShare(worst.v)} (${worst.name})`);
    rows.push(cells);
  }
  return { head: ['Month', ...active.map((o) => shortTitle(o.title)), 'Budget Consumed'], rows };
}
