/** Review report → Markdown (for humans and wiki pages) or JSON (for jobs). Pure. */
import { type JsonNumber, unitValue } from '../format.js';
import type { FiredAlert } from './alerts.js';
import { fmtShare, type ObjectiveReport, REVIEW_REPORT_SCHEMA, type ReviewReport, type SpanReport } from './report.js';

/** A value in its unit (review: `no data` when missing). */
export function formatValue(unit: string, v: JsonNumber): string {
  return unitValue(unit, v, 'no data');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

const STATE_MARK: Record<string, string> = { ok: 'ok', below_target: 'below target', warning: 'WARNING', critical: 'CRITICAL', no_data: 'no data', not_active: 'not active' };

function spanCell(o: ObjectiveReport, s: SpanReport): string {
  const v = formatValue(o.unit, s.value);
  return s.state === 'ok' || s.state === 'no_data' ? v : `${v} (${STATE_MARK[s.state] ?? s.state})`;
}

function budgetCell(s: SpanReport): string {
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

function shortTitle(title: string): string {
  const i = title.indexOf(' (');
  return i === -1 ? title : title.slice(0, i);
}

/** Document 002's "Historical SLO Performance" table: Month | <objectives> | Budget Consumed (the largest share, named). */
export function historyTable(r: ReviewReport): string[] {
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
  return table(['Month', ...active.map((o) => shortTitle(o.title)), 'Budget Consumed'], rows);
}

export function renderMarkdown(r: ReviewReport): string {
  const kind = r.period.kind;
  const out: string[] = [];
  out.push(`# ${kind === 'week' ? 'Weekly reliability review' : 'Monthly SLO review'}: ${r.profile.title} (\`${r.profile.name}\`)`, '');
  out.push(`- Period: ${r.period.label} (${r.period.start} → ${r.period.end})`);
  out.push(`- Compared with: ${r.period.previous.label} (${r.period.previous.start} → ${r.period.previous.end})`);
  out.push(`- Data: ${r.prometheus}, generated ${r.generatedAt}`, '');

  out.push('## Needs attention', '');
  if (r.needsAttention.length === 0) out.push('Nothing needs attention: every active objective met its target, no alerts fired, no budget at risk.');
  for (const n of r.needsAttention) out.push(`- **${n.objective}**: ${n.reasons.join('; ')}`);
  const inactive = r.objectives.filter((o) => !o.active);
  for (const o of inactive) out.push(`- ${o.name}: not active (no input series in the period; shadow-mode objective, not paged)`);
  out.push('');

  out.push('## Objectives', '');
  out.push(
    ...table(
      ['Objective', 'Target', kind === 'week' ? 'This week' : 'This month', kind === 'week' ? 'Previous week' : 'Previous month', 'Trend', 'Budget consumed', 'Alerts', 'Owner'],
      r.objectives.map((o) => [
        o.name,
        formatValue(o.unit, o.target),
        o.active ? spanCell(o, o.period) : 'not active',
        formatValue(o.unit, o.previous.value),
        o.trend,
        budgetCell(o.period),
        String(o.alerts.reduce((n, a) => n + a.firings, 0)),
        o.owner,
      ]),
    ),
    '',
  );

  out.push(kind === 'week' ? '## Per day' : '## Per week', '');
  const labels = r.objectives[0]?.slices.map((s) => s.label) ?? [];
  out.push(...table(['Objective', ...labels], r.objectives.filter((o) => o.active).map((o) => [o.name, ...o.slices.map((s) => spanCell(o, s))])), '');

  out.push('## Alerts fired', '');
  const alerts = [...r.objectives.flatMap((o) => o.alerts), ...r.otherAlerts];
  if (alerts.length === 0) out.push('No alerts fired in the period.');
  else out.push(...table(['Alert', 'Objective', 'Severity', 'Firings', 'First fired (UTC)', 'Time firing'], alertRows(alerts)));
  out.push('');

  out.push('## Approvals and overrides', '');
  if (r.audit.file === null) out.push('No audit log given (`--audit-log FILE`).');
  else {
    if (r.audit.verified === false) out.push(`**The audit log fails verification**: ${r.audit.problem ?? ''}. Records after that point are not shown.`, '');
    const seen = new Set<string>();
    const decisions = r.objectives.flatMap((o) => o.decisions).filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
    if (decisions.length === 0) out.push('No approvals or overrides for this period.');
    else
      out.push(
        ...table(
          ['Kind', 'Id', 'Actor', 'Objectives', 'Effective', 'Expires', 'Ticket', 'Reason'],
          decisions.map((d) => [d.kind, d.id, d.actor, d.objectives.join(', '), d.effectiveFrom, d.expiresAt, d.ticket, d.reason]),
        ),
      );
    const runs = r.audit.gateRuns;
    const byVerdict = new Map<string, number>();
    for (const g of runs) byVerdict.set(g.verdict, (byVerdict.get(g.verdict) ?? 0) + 1);
    out.push('', `Release gate runs in the period: ${runs.length}${runs.length === 0 ? '' : ` (${[...byVerdict.entries()].map(([v, n]) => `${n} ${v}`).join(', ')})`}.`);
  }
  out.push('');

  if (kind === 'month') {
    out.push('## Historical SLO Performance', '', ...historyTable(r), '');
    out.push('Budget Consumed: the largest share of an error budget any objective spent in that month (budget over the month = bad ratio ÷ allowed ratio).', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderJson(reports: readonly ReviewReport[]): string {
  return `${JSON.stringify({ schema: REVIEW_REPORT_SCHEMA, reports }, null, 2)}\n`;
}
