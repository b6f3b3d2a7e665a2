/** Markdown for job summaries and pull-request comments. */
import { unitThreshold, unitValue } from '../../format.js';
import { type GateReport, statusLabel } from './model.js';

const ICON: Record<string, string> = {
  pass: '✅',
  blocked: '⛔',
  approval_required: '✋',
  cannot_evaluate: '❓',
  not_active: '➖',
};

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
}

export function renderMarkdown(report: GateReport): string {
  const out: string[] = [];
  out.push(`## ${ICON[report.verdict] ?? ''} SLO release gate: ${statusLabel(report.verdict)} (profile \`${report.profile.name}\`)`);
  out.push('');
  const facts = [`evaluated at \`${report.at}\``, `exit code ${report.exitCode}`];
  if (report.model !== null) facts.push(`model \`${report.model}\``);
  if (report.selector.length > 0) facts.push(`selector \`{${report.selector.join(',')}}\``);
  if (report.hotfix) facts.push('**hotfix**');
  if (report.underlyingVerdict !== report.verdict) facts.push(`underlying verdict ${statusLabel(report.underlyingVerdict)}`);
  out.push(facts.join(' · '));
  out.push('');
  out.push('| Objective | Verdict | Value | Target | Warning | Critical | Window | Source |');
  out.push('|---|---|---:|---:|---:|---:|---|---|');
  for (const o of report.objectives) {
    out.push(
      `| ${cell(o.title)} (\`${o.name}\`) | ${ICON[o.status] ?? ''} ${statusLabel(o.status)} | ${unitValue(o.unit, o.value)} | ${unitThreshold(o.unit, o.thresholds.target)} | ${o.thresholds.warning === null ? '—' : unitThreshold(o.unit, o.thresholds.warning)} | ${unitThreshold(o.unit, o.thresholds.critical)} | ${o.windows.gate.text} | ${o.source} |`,
    );
  }
  const details = report.objectives.filter((o) => o.reasons.length > 0 || o.decisions.length > 0);
  if (details.length > 0) {
    out.push('');
    out.push('### Reasons');
    out.push('');
    for (const o of details) {
      for (const r of o.reasons) out.push(`- **${o.name}**: ${cell(r)}`);
      for (const d of o.decisions) out.push(`- **${o.name}**: ${d.kind} \`${d.id}\` by ${cell(d.actor)} (${cell(d.ticket)}), expires ${d.expiresAt}: ${cell(d.reason)}`);
    }
  }
  out.push('');
  out.push('<details><summary>Queries</summary>');
  out.push('');
  for (const o of report.objectives) {
    for (const c of o.checks) {
      for (const q of c.queries) out.push(`- \`${o.name}\` ${c.check} @ ${q.time}: \`${q.expr.replace(/`/g, "'")}\``);
    }
  }
  out.push('');
  out.push('</details>');
  if (report.audit.recordId !== null) {
    out.push('');
    out.push(`Audit record \`${report.audit.recordId}\` (seq ${report.audit.seq ?? '?'}).`);
  }
  return `${out.join('\n')}\n`;
}
