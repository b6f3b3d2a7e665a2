import type { Command } from 'commander';
import type { Io } from '../io.js';
import { decisionCommand, type DecisionOptions, recordDecision } from '../decision.js';

/** `agent-slo override`: emergency rollout past a block (not past a budget freeze: that needs --hotfix). */
export function overrideCommand(io: Io): Command {
  return decisionCommand(
    'override',
    'record an emergency override that passes a "blocked" (critical) or "approval required" verdict (scoped, expiring, audited); a budget freeze is passed only by gate --hotfix',
  )
    .option('--allow-cannot-evaluate', 'also pass a "cannot evaluate" verdict (missing or broken data): use with care')
    .action(async (opts: DecisionOptions) => {
      await recordDecision(io, 'override', opts);
    });
}
