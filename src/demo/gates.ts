/**
 * Demo step: the release gate, exactly as `agent-slo gate` runs it (plan, evaluation, policy, audit record), once per
 * scenario, at fixed times (`--at`) so each decision is reproducible. Prints each verdict with its reasons.
 */
import { runGate } from '../gate/gate.js';
import type { Verdict } from '../gate/policy.js';
import { statusLabel, type GateReport } from '../gate/report/model.js';
import type { PrometheusClient } from '../prometheus/client.js';
import type { Profile } from '../profile/model.js';

export interface GateScenario {
  readonly title: string;
  readonly profile: Profile;
  readonly at: number;
  readonly expected: Verdict;
  /** The equivalent command line, printed for the user to rerun. */
  readonly command: string;
}

export interface GateOutcome {
  readonly scenario: GateScenario;
  readonly report: GateReport;
  readonly ok: boolean;
}

const fmt = (v: unknown): string => (typeof v === 'number' ? String(Number.parseFloat(v.toPrecision(4))) : String(v));

export async function runGateScenario(s: GateScenario, client: PrometheusClient, auditLog: string, version: string, out: (line: string) => void): Promise<GateOutcome> {
  const report = await runGate({ profile: s.profile, client, at: s.at, selector: [], selectorText: [], hotfix: false, audit: { log: auditLog }, toolVersion: version });
  const ok = report.verdict === s.expected;
  out(`${s.title}`);
  out(`  $ ${s.command}`);
  out(`  verdict: ${statusLabel(report.verdict)} (exit ${report.exitCode})${ok ? '' : `  ✗ expected ${statusLabel(s.expected)}`}`);
  for (const o of report.objectives) {
    const value = o.status === 'not_active' ? '' : ` value ${fmt(o.value)} ${o.unit}`;
    out(`    ${statusLabel(o.status).padEnd(17)} ${o.name}${value}`);
  }
  for (const r of report.reasons.slice(0, 5)) out(`    reason: ${r}`);
  if (report.reasons.length > 5) out(`    … ${report.reasons.length - 5} more reason(s)`);
  const sources = [...new Set(report.objectives.filter((o) => o.status !== 'not_active').map((o) => o.sourceNote))];
  if (sources.length === 1) out(`    source: ${sources[0] ?? ''}`);
  return { scenario: s, report, ok };
}
