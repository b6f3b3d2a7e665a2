/**
 * Reads (shape: records.ts) the release gate's hash-chained audit log (format: src/audit/chain.ts) for the review (approvals,
 * overrides, gate runs in a period) and for serve (last gate verdict per profile). The log is verified first;
 * records after the first bad one are not trusted and the summary says so.
 */
import { readFile } from 'node:fs/promises';
import { type AuditLocation, verifyAuditLog } from './log.js';
import { type AuditRecord, parseLine } from './chain.js';
import type { EvaluationRecordData } from './records.js';

/** The last gate decision found in the audit log for the objective's profile. */
export interface GateVerdictSummary {
  readonly at: string;
  readonly profile: string;
  /** Overall verdict of that run: pass, blocked, approval_required, cannot_evaluate (as the gate writes it). */
  readonly verdict: string;
  /** This objective's own verdict in that run, when the record has it. */
  readonly objectiveVerdict?: string;
  readonly model?: string;
  readonly reasons?: readonly string[];
}

export interface AuditEvaluation {
  readonly id: string;
  readonly recordedAt: string;
  /** The gate's evaluation time (ISO). */
  readonly at: string;
  readonly profile: string;
  readonly verdict: string;
  readonly model: string | null;
  readonly objectives: readonly { readonly name: string; readonly status: string }[];
  readonly reasons: readonly string[];
  /** The verdict from the data alone, before --hotfix and human decisions (null in records without it). */
  readonly underlyingVerdict: string | null;
  /** --hotfix was given / it let a frozen objective pass. */
  readonly hotfix: boolean;
  readonly hotfixUsed: boolean;
  /** Ids of the approvals/overrides the run applied. */
  readonly decisionsApplied: readonly string[];
}

export interface AuditDecision {
  readonly id: string;
  readonly kind: 'approval' | 'override';
  readonly recordedAt: string;
  readonly actor: string;
  readonly reason: string;
  readonly ticket: string;
  readonly effectiveFrom: string;
  readonly expiresAt: string;
  readonly profile: string;
  /** Objective names, or ["*"]. */
  readonly objectives: readonly string[];
  readonly model: string | null;
}

export interface AuditSummary {
  readonly file: string;
  readonly verified: boolean;
  /** Why verification failed; records after that point are left out. */
  readonly problem?: string;
  /**
   * The log is keyed (HMAC) and was read without the key: nothing is known to be wrong, nothing could be checked.
   * The records from the first keyed one on are included unverified.
   */
  readonly keyRequired?: boolean;
  readonly evaluations: readonly AuditEvaluation[];
  readonly decisions: readonly AuditDecision[];
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Typed view of verified records (pure). */
export function summariseAudit(file: string, records: readonly AuditRecord[], problem?: string): AuditSummary {
  const evaluations: AuditEvaluation[] = [];
  const decisions: AuditDecision[] = [];
  for (const r of records) {
    const d = r.data as Record<string, unknown>;
    if (r.type === 'evaluation') {
      // Typed by what the gate writes, read without trusting it (a renamed field fails to compile here).
      const e = d as { readonly [K in keyof EvaluationRecordData]?: unknown };
      const objectives = Array.isArray(e.objectives)
        ? (e.objectives as unknown[]).flatMap((o) => {
            const x = o as Record<string, unknown>;
            return typeof x?.name === 'string' ? [{ name: x.name, status: str(x.status, 'unknown') }] : [];
          })
        : [];
      evaluations.push({
        id: r.id,
        recordedAt: r.recordedAt,
        at: str(e.at, r.recordedAt),
        profile: str(e.profile),
        verdict: str(e.verdict, 'unknown'),
        model: typeof e.model === 'string' ? e.model : null,
        objectives,
        reasons: strList(e.reasons),
        underlyingVerdict: typeof e.underlyingVerdict === 'string' ? e.underlyingVerdict : null,
        hotfix: e.hotfix === true,
        hotfixUsed: e.hotfixUsed === true,
        decisionsApplied: strList(e.decisionsApplied),
      });
    } else if (r.type === 'approval' || r.type === 'override') {
      const scope = (d.scope ?? {}) as Record<string, unknown>;
      decisions.push({
        id: r.id,
        kind: r.type,
        recordedAt: r.recordedAt,
        actor: str(d.actor),
        reason: str(d.reason),
        ticket: str(d.ticket),
        effectiveFrom: str(d.effectiveFrom, r.recordedAt),
        expiresAt: str(d.expiresAt),
        profile: str(scope.profile),
        objectives: strList(scope.objectives),
        model: typeof scope.model === 'string' ? scope.model : null,
      });
    }
  }
  return { file, verified: problem === undefined, ...(problem === undefined ? {} : { problem }), evaluations, decisions };
}

/** Reads and verifies the log (a missing log is empty); a file name means the default anchor and no key. */
export async function readAudit(where: string | AuditLocation): Promise<AuditSummary> {
  const loc = typeof where === 'string' ? { log: where } : where;
  const file = loc.log;
  const result = await verifyAuditLog(loc);
  if (!result.ok && result.first.keyRequired === true) {
    // Without the key a keyed log cannot be checked; its records are shown, marked unverified (serve's gate view).
    const lines = (await readFile(file, 'utf8')).split('\n').slice(result.records.length);
    const rest = lines.flatMap((l) => {
      const r = l.trim() === '' ? '' : parseLine(l);
      return typeof r === 'string' ? [] : [r];
    });
    return { ...summariseAudit(file, [...result.records, ...rest], result.first.problem), keyRequired: true };
  }
  return summariseAudit(file, result.records, result.ok ? undefined : result.first.problem);
}

export interface LastGate {
  readonly byProfile: ReadonlyMap<string, GateVerdictSummary>;
  /** Per profile: objective name → its status in that run. */
  readonly objectives: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** The latest gate evaluation per profile, by record order (pure). */
export function lastGateOf(summary: AuditSummary): LastGate {
  const byProfile = new Map<string, GateVerdictSummary>();
  const objectives = new Map<string, Map<string, string>>();
  for (const e of summary.evaluations) {
    byProfile.set(e.profile, {
      at: e.at,
      profile: e.profile,
      verdict: e.verdict,
      ...(e.model === null ? {} : { model: e.model }),
      reasons: e.reasons,
    });
    objectives.set(e.profile, new Map(e.objectives.map((o) => [o.name, o.status])));
  }
  return { byProfile, objectives };
}

export async function readLastGate(where: string | AuditLocation): Promise<LastGate> {
  return lastGateOf(await readAudit(where));
}
