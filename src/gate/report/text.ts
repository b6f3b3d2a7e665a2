/** The readable text table (default on a terminal). */
import { unitThreshold, unitValue } from '../../format.js';
import { type GateReport, statusLabel } from './model.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderText(report: GateReport): string {
  const out: string[] = [];
  const scope = [report.model !== null ? `model ${report.model}` : '', report.selector.length > 0 ? `selector {${report.selector.join(',')}}` : '', report.hotfix ? 'HOTFIX' : '']
    .filter(Boolean)
    .join(', ');
  out.push(`agent-slo gate: profile ${report.profile.name} at ${report.at}${scope ? ` (${scope})` : ''}`);
  out.push(`Prometheus: ${report.prometheus.url}`);
  out.push('');
  const rows = report.objectives.map((o) => {
    const th = o.thresholds;
    const t = (v: number): string => unitThreshold(o.unit, v);
    const thresholds = `target ${t(th.target)}${th.warning !== null ? `, warn ${t(th.warning)}` : ''}, crit ${t(th.critical)}`;
    return [o.name, statusLabel(o.status), unitValue(o.unit, o.value), thresholds, o.windows.gate.text, o.source];
  });
  const head = ['OBJECTIVE', 'VERDICT', 'VALUE', 'THRESHOLDS', 'WINDOW', 'SOURCE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  out.push(head.map((h, i) => pad(h, widths[i] ?? 0)).join('  ').trimEnd());
  for (const r of rows) out.push(r.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd());
  out.push('');
  for (const o of report.objectives) {
    if (o.status === 'not_active') {
      out.push(`- ${o.name}: not active — ${o.reasons[0] ?? ''}`);
      continue;
    }
    for (const r of o.reasons) out.push(`- ${o.name}: ${r}`);
    for (const d of o.decisions) out.push(`- ${o.name}: ${d.kind} ${d.id} by ${d.actor} (${d.ticket}), expires ${d.expiresAt}: ${d.reason}`);
    if (/\braw \(/.test(o.sourceNote)) out.push(`- ${o.name}: source ${o.sourceNote}`);
  }
  out.push('');
  const under = report.underlyingVerdict !== report.verdict ? ` (underlying verdict: ${statusLabel(report.underlyingVerdict)})` : '';
  out.push(`Verdict: ${statusLabel(report.verdict)}${under} — exit ${report.exitCode}`);
  if (report.audit.recordId !== null) out.push(`Audit: ${report.audit.recordId} (seq ${report.audit.seq ?? '?'}) in ${report.audit.log ?? ''}`);
  else if (report.audit.note !== null) out.push(`Audit: ${report.audit.note}`);
  return `${out.join('\n')}\n`;
}
