import type { Command } from 'commander';
import { decisionCommand, type DecisionOptions, recordDecision } from '../decision.js';
import type { Io } from '../io.js';

/** `agent-slo approve`: manual approval for an "approval required" verdict. */
export function approveCommand(io: Io): Command {
  return decisionCommand('approve', 'record a manual approval for an "approval required" gate verdict (scoped, expiring, audited)').action(
    async (opts: DecisionOptions) => {
      await recordDecision(io, 'approval', opts);
    },
  );
}
