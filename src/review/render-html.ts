/**
 * Review reports → one self-contained HTML file (pure): inline styles, charts as inline SVG, no script and nothing
 * loaded from elsewhere (its own Content-Security-Policy forbids it), so it can be attached to a review ticket and
 * opened anywhere. Same tables as the Markdown (tables.ts); every text is escaped.
 */
import { escapeHtml } from '../escape.js';
import type { ObjectiveReport, ReviewReport } from './report.js';
import { type ChartLine, svgChart } from './svg-chart.js';
import { alertsTable, decisionsTable, formatValue, gateRunsLine, historyRows, objectivesTable, slicesTable, type TextTable } from './tables.js';

/** No script, no remote anything: styles inline, images only as data: URLs. */
export const REVIEW_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
body{margin:0 auto;max-width:1100px;padding:16px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1c2127;background:#fff;overflow-wrap:anywhere}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:26px 0 8px;border-bottom:1px solid #d8dde3;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #d8dde3;vertical-align:top}th{color:#5c6670}
.meta{color:#5c6670}.attention li{margin:2px 0}.objective{border:1px solid #d8dde3;border-radius:6px;padding:8px 12px;margin:12px 0;break-inside:avoid}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:8px}.wrap{overflow-x:auto}
.st{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;font-weight:700;border:1px solid currentColor}
.st-ok{color:#1a7f37}.st-below_target{color:#8a6d00}.st-warning{color:#b35900}.st-critical{color:#c62828}.st-no_data,.st-not_active{color:#5c6670}
@media print{.objective{page-break-inside:avoid}}`;

const STATE_TEXT: Record<string, string> = { ok: 'OK', below_target: 'below target', warning: 'WARNING', critical: 'CRITICAL', no_data: 'no data', not_active: 'not active' };

function table(t: TextTable, cls = ''): string {
  const head = t.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<div class="wrap"><table class="${cls}"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The objective's value per slice with its thresholds, and the budget spent per slice. */
function objectiveCharts(o: ObjectiveReport, kind: string): string {
  const ratio = o.unit === 'ratio';
  const scale = ratio ? 100 : 1;
  const fmt = ratio ? (v: number): string => `${v.toFixed(Math.abs(v) >= 99 && Math.abs(v) < 100 ? 2 : 1)}%` : (v: number): string => formatValue(o.unit, v);
  const labels = o.slices.map((s) => s.label);
  const lines: ChartLine[] = [{ label: 'target', value: o.target * scale, color: '#1a7f37' }];
  if (o.warning !== null) lines.push({ label: 'warning', value: o.warning * scale, color: '#b35900' });
  lines.push({ label: 'critical', value: o.critical * scale, color: '#c62828' });
  const per = kind === 'week' ? 'day' : 'week';
  const charts = [
    svgChart({
      title: `${o.title}: value per ${per} with target and thresholds`,
      xLabels: labels,
      series: [{ label: `${o.name} per ${per}`, values: o.slices.map((s) => (num(s.value) === null ? null : (num(s.value) as number) * scale)), color: '#0b57b0' }],
      lines,
      format: fmt,
    }),
  ];
  if (o.slices.some((s) => s.budgetConsumed !== null)) {
    charts.push(
      svgChart({
        title: `${o.title}: share of the error budget spent per ${per}`,
        xLabels: labels,
        series: [{ label: `budget spent per ${per}`, values: o.slices.map((s) => (num(s.budgetConsumed) === null ? null : (num(s.budgetConsumed) as number) * 100)), color: '#6f42c1', kind: 'bar' }],
        lines: [{ label: 'whole budget', value: 100, color: '#c62828' }],
        format: (v) => `${v.toFixed(v < 10 ? 1 : 0)}%`,
      }),
    );
  }
  return `<div class="charts">${charts.join('')}</div>`;
}

function objectiveSection(o: ObjectiveReport, kind: string): string {
  const state = o.active ? o.period.state : 'not_active';
  const head = `<h3>${escapeHtml(o.title)} <span class="st st-${escapeHtml(state)}">${escapeHtml(STATE_TEXT[state] ?? state)}</span></h3>`;
  const facts = `<p class="meta">${escapeHtml(`${o.name} · this ${kind}: ${o.active ? formatValue(o.unit, o.period.value) : 'not active'} · previous: ${formatValue(o.unit, o.previous.value)} (${o.trend}) · target ${formatValue(o.unit, o.target)} · owner ${o.owner} · runbook ${o.runbook}`)}</p>`;
  const attention = o.attention.length === 0 ? '' : `<ul class="attention">${o.attention.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`;
  const body = o.active ? objectiveCharts(o, kind) : '<p class="meta">Not active: no input series in the period (shadow-mode objective, not paged).</p>';
  return `<section class="objective" data-objective="${escapeHtml(o.name)}">${head}${facts}${attention}${body}</section>`;
}

function reportSection(r: ReviewReport): string {
  const kind = r.period.kind;
  const out: string[] = [];
  out.push(`<section class="report" data-profile="${escapeHtml(r.profile.name)}">`);
  out.push(`<h1>${escapeHtml(`${kind === 'week' ? 'Weekly reliability review' : 'Monthly SLO review'}: ${r.profile.title}`)} <code>${escapeHtml(r.profile.name)}</code></h1>`);
  out.push(
    `<p class="meta">${escapeHtml(`Period: ${r.period.label} (${r.period.start} → ${r.period.end}) · compared with ${r.period.previous.label} · data: ${r.prometheus}, generated ${r.generatedAt}`)}</p>`,
  );
  if (r.warnings.length > 0) out.push(`<p><strong>Prometheus attached warnings to its answers</strong> (the numbers may be incomplete):</p><ul class="warnings">${r.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`);
  out.push('<h2>Needs attention</h2>');
  if (r.needsAttention.length === 0) out.push('<p>Nothing needs attention: every active objective met its target, no alerts fired, no budget at risk.</p>');
  else out.push(`<ul class="attention">${r.needsAttention.map((n) => `<li><strong>${escapeHtml(n.objective)}</strong>: ${escapeHtml(n.reasons.join('; '))}</li>`).join('')}</ul>`);
  out.push('<h2>Objectives</h2>', table(objectivesTable(r), 'objectives'));
  out.push(...r.objectives.map((o) => objectiveSection(o, kind)));
  out.push(`<h2>${kind === 'week' ? 'Per day' : 'Per week'}</h2>`, table(slicesTable(r), 'slices'));
  out.push('<h2>Alerts fired</h2>');
  const alerts = alertsTable(r);
  out.push(alerts === null ? '<p>No alerts fired in the period.</p>' : table(alerts, 'alerts'));
  out.push('<h2>Approvals and overrides</h2>');
  if (r.audit.file === null) out.push('<p>No audit log given (<code>--audit-log FILE</code>).</p>');
  else {
    if (r.audit.keyRequired === true) out.push('<p><strong>The audit log is keyed (HMAC) and was read without its key</strong>: its records are listed unverified (<code>--audit-key-file</code>).</p>');
    else if (r.audit.verified === false) out.push(`<p><strong>The audit log fails verification</strong>: ${escapeHtml(r.audit.problem ?? '')}. Records after that point are not shown.</p>`);
    for (const note of r.audit.notes) out.push(`<p>Note: ${escapeHtml(note)}.</p>`);
    const decisions = decisionsTable(r);
    out.push(decisions === null ? '<p>No approvals or overrides for this period.</p>' : table(decisions, 'decisions'));
    out.push(`<p>${escapeHtml(gateRunsLine(r))}</p>`);
  }
  if (kind === 'month') {
    out.push('<h2>Historical SLO Performance</h2>', table(historyRows(r), 'history'));
    out.push('<p class="meta">Budget Consumed: the largest share of an error budget any objective spent in that month (budget over the month = bad ratio ÷ allowed ratio).</p>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** One HTML document for all reports (one section per profile). */
export function renderHtml(reports: readonly ReviewReport[]): string {
  const first = reports[0];
  const title = first === undefined ? 'SLO review' : `${first.period.kind === 'week' ? 'Weekly reliability review' : 'Monthly SLO review'} — ${first.period.label}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REVIEW_HTML_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    reports.map(reportSection).join('\n<hr>\n'),
    '</body></html>',
    '',
  ].join('\n');
}
