/**
 * Human decisions (approvals and overrides): their shape, scope and validity, and how they change verdicts. Pure.
 *
 * - An approval turns "approval required" into pass.
 * - An override (emergency rollout) turns "blocked" (critical) and "approval required" into pass; "cannot
 *   evaluate" only when it was recorded with `allowCannotEvaluate` (its own explicit flag).
 * - A budget freeze is passed only by `--hotfix` (DESIGN.md), never by a decision.
 * - A decision applies when its scope matches exactly (profile; objective listed or "*"; the same --model or both
 *   absent; the same --selector set) and effectiveFrom ≤ at < expiresAt.
 */
import type { CheckResult, ObjectiveResult, Verdict } from './policy.js';
import { worst } from './policy.js';
import type { AuditRecord } from '../audit/chain.js';

export type DecisionKind = 'approval' | 'override';

export interface DecisionScope {
  readonly profile: string;
  /** Objective names, or ["*"] for all. */
  readonly objectives: readonly string[];
  readonly model?: string;
  /** `--selector` matchers as given (k=v, k!=v, …), compared as a sorted set. */
  readonly selector: readonly string[];
}

export interface Decision {
  readonly kind: DecisionKind;
  readonly id: string;
  readonly actor: string;
  readonly reason: string;
  readonly ticket: string;
  /** ISO 8601. */
  readonly effectiveFrom: string;
  readonly expiresAt: string;
  readonly scope: DecisionScope;
  /** Overrides only: also pass "cannot evaluate". */
  readonly allowCannotEvaluate?: boolean;
}

export interface GateContext {
  readonly profile: string;
  readonly model?: string;
  readonly selector: readonly string[];
  /** Seconds since the epoch. */
  readonly at: number;
}

export interface AppliedDecision {
  readonly id: string;
  readonly kind: DecisionKind;
  readonly actor: string;
  readonly reason: string;
  readonly ticket: string;
  readonly expiresAt: string;
}

export type DecidedObjective = ObjectiveResult & { readonly decisions: readonly AppliedDecision[] };

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Why a decision does not apply to this objective and gate, or undefined when it does. */
export function whyNotApplicable(d: Decision, objective: string, ctx: GateContext): string | undefined {
  if (d.scope.profile !== ctx.profile) return `scoped to profile ${d.scope.profile}`;
  if (!d.scope.objectives.includes('*') && !d.scope.objectives.includes(objective)) return `scoped to objectives ${d.scope.objectives.join(', ')}`;
  if ((d.scope.model ?? '') !== (ctx.model ?? '')) return `scoped to model ${d.scope.model ?? '(none)'}`;
  if (!sameSet(d.scope.selector, ctx.selector)) return `scoped to selector {${d.scope.selector.join(',')}}`;
  const from = Date.parse(d.effectiveFrom) / 1000;
  const until = Date.parse(d.expiresAt) / 1000;
  if (!(from <= ctx.at)) return `not yet effective (from ${d.effectiveFrom})`;
  if (!(ctx.at < until)) return `expired at ${d.expiresAt}`;
  return undefined;
}

function passes(d: Decision, c: CheckResult): boolean {
  if (c.freeze === true) return false;
  if (c.status === 'approval_required') return true;
  if (d.kind !== 'override') return false;
  if (c.status === 'blocked') return true;
  return c.status === 'cannot_evaluate' && d.allowCannotEvaluate === true;
}

/** Applies valid, in-scope decisions to each objective. */
export function applyDecisions(objectives: readonly ObjectiveResult[], decisions: readonly Decision[], ctx: GateContext): DecidedObjective[] {
  return objectives.map((o): DecidedObjective => {
    if (o.status === 'not_active') return { ...o, decisions: [] };
    const valid = decisions.filter((d) => whyNotApplicable(d, o.name, ctx) === undefined);
    const used = new Map<string, Decision>();
    const checks = o.checks.map((c): CheckResult => {
      const d = valid.find((x) => passes(x, c));
      if (d === undefined) return c;
      used.set(d.id, d);
      return { ...c, status: 'pass', reason: `${c.reason} — passed by ${d.kind} ${d.id} (${d.actor}, ${d.ticket}, expires ${d.expiresAt})` };
    });
    const status = worst(checks.map((c) => c.status as Verdict));
    const applied = [...used.values()].map((d) => ({ id: d.id, kind: d.kind, actor: d.actor, reason: d.reason, ticket: d.ticket, expiresAt: d.expiresAt }));
    const reasons = used.size === 0 ? o.reasons : checks.filter((c) => c.status !== 'pass' || c.underlying !== 'pass').map((c) => c.reason);
    return { ...o, status, checks, reasons, decisions: applied };
  });
}

/** Decisions recorded in a verified log. */
export function decisionsOf(records: readonly AuditRecord[]): Decision[] {
  return records.filter((r) => r.type === 'approval' || r.type === 'override').map((r) => ({ ...(r.data as unknown as Decision), id: r.id, kind: r.type as Decision['kind'] }));
}
