import type { GateReport } from './model.js';

/** The JSON output: the report as is, two-space indented (schema docs/gate-report.schema.json). */
export function renderJson(report: GateReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
