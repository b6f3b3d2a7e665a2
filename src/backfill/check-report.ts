/** Renders a backfill check report (pure): a day-by-day text table, or JSON. */
import { promDuration } from '../format.js';
import type { CheckReport } from './check.js';

const iso = (t: number): string => new Date(t * 1000).toISOString().replace(':00.000Z', 'Z');
const hhmm = (t: number): string => new Date(t * 1000).toISOString().slice(11, 16);

const VERDICT_LABEL: Record<string, string> = {
  pass: 'PASS',
  blocked: 'BLOCKED',
  approval_required: 'APPROVAL REQUIRED',
  cannot_evaluate: 'CANNOT EVALUATE',
};

export function renderCheckText(r: CheckReport): string {
  const lines: string[] = [];
  const days = Math.round((r.to - r.from) / 86_400);
  lines.push(`backfill check ${r.profile}: ${iso(r.from)} → ${iso(r.to)} (${days} day(s), alerts at ${promDuration(r.stepSeconds)} resolution)`);
  for (const d of r.days) {
    lines.push(`day ending ${iso(d.end)}`);
    if (d.alerts.length === 0) lines.push('  alerts: none');
    for (const a of d.alerts) {
      const span = a.from <= d.start && a.to >= d.end - r.stepSeconds ? 'the whole day' : `${hhmm(a.from)}–${hhmm(a.to)} UTC`;
      lines.push(`  alert ${a.alert} (${a.severity}) firing ${span}`);
    }
    if (d.gate !== undefined) {
      lines.push(`  gate:   ${VERDICT_LABEL[d.gate.verdict] ?? d.gate.verdict}`);
      for (const reason of d.gate.reasons.slice(0, 4)) lines.push(`          - ${reason}`);
      if (d.gate.reasons.length > 4) lines.push(`          - … ${d.gate.reasons.length - 4} more`);
    }
  }
  lines.push(`alerts that would have fired: ${r.fired.length === 0 ? 'none' : r.fired.join(', ')}`);
  const never = r.alerts.filter((a) => a.spans.length === 0 && a.error === undefined).map((a) => a.alert);
  lines.push(`alerts that never fired: ${never.length === 0 ? 'none' : never.join(', ')}`);
  for (const e of r.errors) lines.push(`error: ${e}`);
  return `${lines.join('\n')}\n`;
}

export function renderCheckJson(r: CheckReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
