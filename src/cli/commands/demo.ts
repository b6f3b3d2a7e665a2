import { Command } from 'commander';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { packageVersion } from '../paths.js';

/** Exit code after Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;

interface DemoOptions {
  dir?: string;
  keepRunning?: boolean;
  check: boolean;
}

/** `agent-slo demo` (npm run demo): exit 0 when every verdict is the expected one and the live alert was delivered. */
export function demoCommand(io: Io): Command {
  return new Command('demo')
    .description('the whole product locally: generate, start Prometheus + Alertmanager, backfill history, gate three scenarios, fire and deliver live alerts, stop')
    .option('--dir <dir>', 'working directory to keep (default: a temp dir, removed at the end)')
    .option('--keep-running', 'leave the stack up after the demo until Ctrl-C')
    .option('--no-check', 'skip the backfill check step')
    .action(async (opts: DemoOptions) => {
      let onSignal: (() => void) | undefined;
      const interrupted = new Promise<void>((resolve) => {
        onSignal = resolve;
      });
      const handler = (): void => onSignal?.();
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      try {
        // Loaded on use: the demo pulls in the OTel SDK, which every other command would pay for at start-up.
        const { runDemo } = await import('../../demo/run.js');
        const result = await runDemo({
          ...(opts.dir !== undefined ? { dir: opts.dir } : {}),
          keepRunning: opts.keepRunning === true,
          check: opts.check,
          version: packageVersion(),
          out: (l) => io.out(l),
          interrupted,
        });
        if (result.interrupted) throw new CliError('demo interrupted', EXIT_INTERRUPTED);
        if (!result.ok) throw new CliError('demo did not show what it should (see the lines marked ✗ above)', EXIT.blockedOrCheckFailed);
      } finally {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      }
    });
}
