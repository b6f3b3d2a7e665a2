/**
 * One gate decision end to end: plan → evaluate (Prometheus) → policy → decisions from the audit log → report →
 * one evaluation record appended to the audit log. The CLI renders the report and maps its verdict to the exit code.
 */
import type { Matcher } from '../conventions.js';
import type { PrometheusClient } from '../prometheus/client.js';
import type { Profile } from '../profile/model.js';
import { appendAudit, type AuditLocation, verifyAuditLog } from '../audit/log.js';
import type { EvaluationRecordData } from '../audit/records.js';
import { applyDecisions, type Decision, decisionsOf } from './decisions.js';
import { evaluatePlan } from './evaluate.js';
import { decide, overall } from './policy.js';
import { planGate } from './queries.js';
import { GATE_REPORT_SCHEMA, type GateReport, reportObjective, VERDICT_EXIT } from './report/model.js';

export interface GateRunOptions {
  readonly profile: Profile;
  readonly client: PrometheusClient;
  /** Seconds since the epoch. */
  readonly at: number;
  readonly selector: readonly Matcher[];
  /** The selector as given on the command line (k=v…), for scope matching and the report. */
  readonly selectorText: readonly string[];
  readonly model?: string;
  readonly hotfix: boolean;
  /** null: no audit log (no approvals or overrides apply; only with `record: false`). */
  readonly audit: AuditLocation | null;
  /** false: a dry run that never writes the audit log (serve's "what the gate would say now"). Default true. */
  readonly record?: boolean;
  readonly toolVersion: string;
  readonly preferRecorded?: boolean;
  /** Accept partial answers (warnings), each listed in the reasons: the user's explicit choice. */
  readonly allowPartial?: boolean;
  readonly concurrency?: number;
  /** Only these objectives (default all). */
  readonly objectives?: readonly string[];
}

export async function runGate(opts: GateRunOptions): Promise<GateReport> {
  const started = Date.now();
  const planned = planGate(opts.profile, {
    at: opts.at,
    selector: opts.selector,
    ...(opts.model !== undefined ? { model: opts.model } : {}),
    ...(opts.objectives !== undefined ? { objectives: opts.objectives } : {}),
  });
  const [log, evaluated] = await Promise.all([
    (opts.audit === null ? Promise.resolve({ ok: true as const, records: [] }) : verifyAuditLog(opts.audit)).then(
      (v) => v,
      (err: unknown) => ({ ok: false as const, records: [], first: { line: 0, problem: err instanceof Error ? err.message : String(err) } }),
    ),
    evaluatePlan(opts.client, planned, {
      ...(opts.preferRecorded !== undefined ? { preferRecorded: opts.preferRecorded } : {}),
      ...(opts.allowPartial !== undefined ? { allowPartial: opts.allowPartial } : {}),
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    }),
  ]);
  const policy = decide({ profile: opts.profile, hotfix: opts.hotfix }, evaluated.observations);
  const decisions: Decision[] = log.ok ? decisionsOf(log.records) : [];
  const decided = applyDecisions(policy.objectives, decisions, {
    profile: opts.profile.name,
    ...(opts.model !== undefined ? { model: opts.model } : {}),
    selector: opts.selectorText,
    at: opts.at,
  });
  let { verdict, reasons } = overall(decided);
  // Partial data the user allowed is part of the decision's record, never silent.
  if (evaluated.partialWarnings.length > 0) {
    reasons = [...reasons, ...evaluated.partialWarnings.map((w) => `decided on partial data (--allow-partial-response): ${w}`)];
  }
  const underlyingVerdict = overall(decided.map((o) => ({ ...o, status: o.underlyingStatus }))).verdict;
  let auditNote: string | null = null;
  if (!log.ok) {
    verdict = 'cannot_evaluate';
    reasons = [`audit log fails verification, so no decision can be trusted: ${log.first.problem}`, ...reasons];
    auditNote = 'not recorded: the audit log fails verification (run `agent-slo audit verify`)';
  }

  const objectives = decided.map(reportObjective);
  let recordId: string | null = null;
  let seq: number | null = null;
  const record = opts.record !== false && opts.audit !== null;
  if (!record && log.ok) auditNote = opts.audit === null ? 'dry run: not recorded; no audit log, so no approval or override applies' : 'dry run: not recorded';
  if (log.ok && record && opts.audit !== null) {
    const hotfixUsed = decided.some((o) => o.checks.some((c) => c.hotfix === true));
    try {
      const data: EvaluationRecordData = {
        profile: opts.profile.name,
        specFiles: opts.profile.files,
        prometheusUrl: opts.client.url,
        at: new Date(opts.at * 1000).toISOString(),
        selector: opts.selectorText,
        model: opts.model ?? null,
        hotfix: opts.hotfix,
        hotfixUsed,
        verdict,
        underlyingVerdict,
        exitCode: VERDICT_EXIT[verdict],
        objectives: objectives.map((o) => ({ name: o.name, status: o.status, underlyingStatus: o.underlyingStatus, value: o.value, source: o.source })),
        decisionsApplied: [...new Set(decided.flatMap((o) => o.decisions.map((d) => d.id)))],
        reasons,
      };
      const rec = await appendAudit(opts.audit, 'evaluation', { ...data });
      recordId = rec.id;
      seq = rec.seq;
    } catch (err) {
      verdict = 'cannot_evaluate';
      auditNote = `not recorded: ${err instanceof Error ? err.message : String(err)}`;
      reasons = [`the evaluation could not be recorded in the audit log: ${auditNote}`, ...reasons];
    }
  }

  return {
    schema: GATE_REPORT_SCHEMA,
    tool: { name: 'agent-slo', version: opts.toolVersion },
    profile: { name: opts.profile.name, title: opts.profile.title, files: opts.profile.files },
    prometheus: { url: opts.client.url },
    at: new Date(opts.at * 1000).toISOString(),
    atUnix: opts.at,
    selector: opts.selectorText,
    model: opts.model ?? null,
    hotfix: opts.hotfix,
    verdict,
    underlyingVerdict,
    exitCode: VERDICT_EXIT[verdict],
    reasons,
    objectives,
    audit: { log: opts.audit?.log ?? null, recordId, seq, note: auditNote },
    stats: { queries: evaluated.queries, durationMs: Date.now() - started },
  };
}
