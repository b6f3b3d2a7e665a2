/** What approve and override share: the decision command's options and recording a decision in the audit log. */
import { Command } from 'commander';
import { appendAudit, newId } from '../audit/log.js';
import type { Decision, DecisionKind } from '../gate/decisions.js';
import { isoSeconds, parseExpiry } from '../gate/time.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { addProfileOptions, type ProfileSelection } from './profile-options.js';
import { addAuditOptions, auditLocation } from './audit-options.js';
import { addScopeOptions, oneProfile, parseAtOption, parseSelectors } from './scope-options.js';

/** Longest validity of a decision. */
export const MAX_DECISION_SECONDS = 30 * 86_400;

export interface DecisionOptions extends ProfileSelection {
  objective: string[];
  selector: string[];
  model?: string;
  at?: string;
  actor?: string;
  reason?: string;
  ticket?: string;
  expires?: string;
  auditLog?: string;
  auditAnchor?: string;
  allowCannotEvaluate?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Options shared by approve and override. */
export function decisionCommand(name: 'approve' | 'override', description: string): Command {
  const c = new Command(name).description(description);
  addProfileOptions(c);
  c.option('--objective <name>', 'objective the decision covers ("*" for all); repeatable, required', collect, []);
  addScopeOptions(c);
  c.option('--actor <who>', 'who decides (required)')
    .option('--reason <text>', 'why (required)')
    .option('--ticket <ref>', 'ticket or change reference (required)')
    .option('--expires <time>', `expiry: a duration after --at (24h, 3d) or a time; at most ${MAX_DECISION_SECONDS / 86_400}d (required)`);
  addAuditOptions(c);
  return c;
}

/** Validates, appends and prints one decision. */
export async function recordDecision(io: Io, kind: DecisionKind, opts: DecisionOptions): Promise<Decision> {
  const profile = await oneProfile(opts);
  for (const [flag, v] of [['--actor', opts.actor], ['--reason', opts.reason], ['--ticket', opts.ticket], ['--expires', opts.expires]] as const) {
    if (v === undefined || v.trim() === '') throw new UsageError(`${flag} is required`);
  }
  if (opts.objective.length === 0) throw new UsageError('--objective is required (an objective name, or "*" for all)');
  for (const o of opts.objective) {
    if (o !== '*' && !profile.objectives.some((x) => x.name === o)) {
      throw new UsageError(`--objective ${o}: profile ${profile.name} has ${profile.objectives.map((x) => x.name).join(', ')}`);
    }
  }
  parseSelectors(opts.selector);
  const from = parseAtOption(opts.at);
  const until = parseExpiry(opts.expires ?? '', from);
  if (until === undefined || until <= from) throw new UsageError(`--expires "${opts.expires ?? ''}" must be a positive duration (24h) or a time after --at`);
  if (until - from > MAX_DECISION_SECONDS) throw new UsageError(`--expires is more than ${MAX_DECISION_SECONDS / 86_400} days after --at`);
  const id = newId(kind);
  const decision: Decision = {
    kind,
    id,
    actor: opts.actor ?? '',
    reason: opts.reason ?? '',
    ticket: opts.ticket ?? '',
    effectiveFrom: isoSeconds(from),
    expiresAt: isoSeconds(until),
    scope: { profile: profile.name, objectives: opts.objective, ...(opts.model !== undefined ? { model: opts.model } : {}), selector: opts.selector },
    ...(kind === 'override' ? { allowCannotEvaluate: opts.allowCannotEvaluate === true } : {}),
  };
  const loc = auditLocation(opts);
  const rec = await appendAudit(loc, kind, { ...decision }, id);
  io.out(`${kind} ${id} recorded (seq ${rec.seq}) in ${loc.log}: profile ${profile.name}, objectives ${opts.objective.join(', ')}, expires ${decision.expiresAt}`);
  return decision;
}
