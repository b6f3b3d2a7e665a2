import { Command } from 'commander';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { packageVersion } from '../../package.js';

/** Exit code after a signal, as a shell reports it: 128 + the signal number (Ctrl-C: 130, SIGTERM: 143). */
const EXIT_AFTER_SIGNAL: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

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
    .addHelpText(
      'after',
      '\nExit codes: 0 every verdict as expected and the live alert delivered; 1 otherwise; 130 after Ctrl-C, 143 after\nSIGTERM (everything started is stopped and the temporary directory removed). With --keep-running, Ctrl-C after\nthe demo ends it normally (0 or 1 as above).',
    )
    .action(async (opts: DemoOptions) => {
      let onSignal: (() => void) | undefined;
      const interrupted = new Promise<void>((resolve) => {
        onSignal = resolve;
      });
      let signal: 'SIGINT' | 'SIGTERM' | undefined;
      const handler = (s: 'SIGINT' | 'SIGTERM'): void => {
        signal ??= s;
        onSignal?.();
      };
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
        if (result.interrupted) throw new CliError(`demo interrupted (${signal ?? 'SIGINT'})`, EXIT_AFTER_SIGNAL[signal ?? 'SIGINT']);
        if (!result.ok) throw new CliError('demo did not show what it should (see the lines marked ✗ above)', EXIT.blockedOrCheckFailed);
      } finally {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      }
    });
}
