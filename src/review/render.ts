/** Review report → Markdown (for humans and wiki pages) or JSON (for jobs). Pure. Tables: tables.ts; HTML: render-html.ts. */
import { REVIEW_REPORT_SCHEMA, type ReviewReport } from './report.js';
import { alertsTable, decisionsTable, gateRunsLine, historyRows, objectivesTable, slicesTable, type TextTable } from './tables.js';

export { formatValue } from './tables.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function table(t: TextTable): string[] {
  return [row(t.head), row(t.head.map(() => '---')), ...t.rows.map(row)];
}

/** Document 002's "Historical SLO Performance" table as Markdown lines. */
export function historyTable(r: ReviewReport): string[] {
  return table(historyRows(r));
}

export function renderMarkdown(r: ReviewReport): string {
  const kind = r.period.kind;
  const out: string[] = [];
  out.push(`# ${kind === 'week' ? 'Weekly reliability review' : 'Monthly SLO review'}: ${r.profile.title} (\`${r.profile.name}\`)`, '');
  out.push(`- Period: ${r.period.label} (${r.period.start} → ${r.period.end})`);
  out.push(`- Compared with: ${r.period.previous.label} (${r.period.previous.start} → ${r.period.previous.end})`);
  out.push(`- Data: ${r.prometheus}, generated ${r.generatedAt}`, '');
  if (r.warnings.length > 0) out.push('**Prometheus attached warnings to its answers** (the numbers may be incomplete):', '', ...r.warnings.map((w) => `- ${w.replace(/\s+/g, ' ')}`), '');

  out.push('## Needs attention', '');
  if (r.needsAttention.length === 0) out.push('Nothing needs attention: every active objective met its target, no alerts fired, no budget at risk.');
  for (const n of r.needsAttention) out.push(`- **${n.objective}**: ${n.reasons.join('; ')}`);
  const inactive = r.objectives.filter((o) => !o.active);
  for (const o of inactive) out.push(`- ${o.name}: not active (no input series in the period; shadow-mode objective, not paged)`);
  out.push('');

  out.push('## Objectives', '');
  out.push(...table(objectivesTable(r)), '');

  out.push(kind === 'week' ? '## Per day' : '## Per week', '');
  out.push(...table(slicesTable(r)), '');

  out.push('## Alerts fired', '');
  const alerts = alertsTable(r);
  if (alerts === null) out.push('No alerts fired in the period.');
  else out.push(...table(alerts));
  out.push('');

  out.push('## Approvals and overrides', '');
  if (r.audit.file === null) out.push('No audit log given (`--audit-log FILE`).');
  else {
    if (r.audit.keyRequired === true) out.push(`**The audit log is keyed (HMAC) and was read without its key**: its records are listed unverified (\`--audit-key-file\`).`, '');
    else if (r.audit.verified === false) out.push(`**The audit log fails verification**: ${r.audit.problem ?? ''}. Records after that point are not shown.`, '');
    for (const note of r.audit.notes) out.push(`Note: ${note}.`, '');
    const decisions = decisionsTable(r);
    if (decisions === null) out.push('No approvals or overrides for this period.');
    else out.push(...table(decisions));
    out.push('', gateRunsLine(r));
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
