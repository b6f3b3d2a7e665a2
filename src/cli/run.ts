import { CommanderError } from 'commander';
import { SpecError, SpecInputError } from '../profile/errors.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { classifyFailure } from './failures.js';
import type { Io } from './io.js';
import { buildProgram } from './program.js';

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never exits the process. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof SpecError) {
      io.err(err.format());
      return err instanceof SpecInputError ? EXIT.noInput : EXIT.invalidSpec;
    }
    if (err instanceof CliError) {
      io.err(`agent-slo: ${err.message}`);
      return err.exitCode;
    }
    const failure = classifyFailure(err);
    if (failure !== undefined) {
      io.err(`agent-slo: ${failure.message}`);
      return failure.code;
    }
    io.err(`agent-slo: internal error (please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT.internal;
  }
}
