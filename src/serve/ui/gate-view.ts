/**
 * The UI's gate view (pure): the decision history of one profile from the audit log (gate runs with verdict and
 * reasons, approvals and overrides with actor, ticket and expiry, hotfixes) and "what the gate would say now" — a
 * dry-run gate report that was never written to the log.
 */
import type { GateReport } from '../../gate/report/model.js';
import type { AuditDecision, AuditEvaluation, AuditSummary } from '../../audit/summary.js';

/** Gate runs shown per profile (newest first); the count says how many the log holds. */
export const GATE_HISTORY_LIMIT = 50;

/**
 * `verified`: the chain and its anchor check out. `failed`: verification found a problem (records after it are not
 * shown). `unverified`: the log is keyed and serve has no key to check it with. `none`: serve has no --audit-log.
 */
export type AuditTrust = 'verified' | 'failed' | 'unverified' | 'none';

export interface GateHistory {
  readonly file: string | null;
  readonly trust: AuditTrust;
  readonly problem: string | null;
  readonly runsTotal: number;
  readonly runs: readonly AuditEvaluation[];
  readonly decisions: readonly (AuditDecision & { readonly active: boolean })[];
}

export interface DryRunObjective {
  readonly name: string;
  readonly title: string;
  readonly status: string;
  readonly underlyingStatus: string;
  readonly unit: string;
  readonly value: GateReport['objectives'][number]['value'];
  readonly reasons: readonly string[];
  readonly decisions: readonly string[];
}

export interface DryRun {
  readonly at: string;
  readonly verdict: string;
  readonly underlyingVerdict: string;
  readonly reasons: readonly string[];
  readonly objectives: readonly DryRunObjective[];
  readonly note: string | null;
  readonly queries: number;
  readonly durationMs: number;
}

export interface GateView {
  readonly profile: string;
  readonly history: GateHistory;
  /** The dry run, or why it could not be computed (Prometheus down …). */
  readonly dryRun: { readonly ok: true; readonly report: DryRun } | { readonly ok: false; readonly error: Readonly<Record<string, unknown>> };
}

/** History of `profile` from a verified (or partly verified) summary; `nowMs` decides which decisions are active. */
export function gateHistory(profile: string, summary: AuditSummary | undefined, nowMs: number): GateHistory {
  if (summary === undefined) return { file: null, trust: 'none', problem: null, runsTotal: 0, runs: [], decisions: [] };
  const runs = summary.evaluations.filter((e) => e.profile === profile).reverse();
  const decisions = summary.decisions
    .filter((d) => d.profile === profile)
    .reverse()
    .map((d) => {
      const from = Date.parse(d.effectiveFrom);
      const until = d.expiresAt === '' ? Infinity : Date.parse(d.expiresAt);
      return { ...d, active: from <= nowMs && nowMs < until };
    });
  return {
    file: summary.file,
    trust: summary.keyRequired === true ? 'unverified' : summary.verified ? 'verified' : 'failed',
    problem: summary.problem ?? null,
    runsTotal: runs.length,
    runs: runs.slice(0, GATE_HISTORY_LIMIT),
    decisions,
  };
}

/** The parts of a dry-run gate report the page shows (queries and components stay in the CLI's JSON). */
export function dryRunOf(r: GateReport): DryRun {
  return {
    at: r.at,
    verdict: r.verdict,
    underlyingVerdict: r.underlyingVerdict,
    reasons: r.reasons,
    objectives: r.objectives.map((o) => ({
      name: o.name,
      title: o.title,
      status: o.status,
      underlyingStatus: o.underlyingStatus,
      unit: o.unit,
      value: o.value,
      reasons: o.reasons,
      decisions: o.decisions.map((d) => `${d.kind} ${d.id} by ${d.actor}${d.ticket === '' ? '' : ` (${d.ticket})`}`),
    })),
    note: r.audit.note,
    queries: r.stats.queries,
    durationMs: r.stats.durationMs,
  };
}
