import { relative } from 'node:path';
import { Command } from 'commander';
import { SpecError } from '../../profile/errors.js';
import { loadProfile } from '../../profile/load.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { addSpecOptions, selectedSpecFiles, type SpecSelection } from '../spec-options.js';

/** `agent-slo validate [FILES...]`: checks specs; reports every problem of every file. */
export function validateCommand(io: Io): Command {
  const command = new Command('validate')
    .description('check SLO spec files (default: the shipped profiles) and report every problem with file:line:column, field and fix')
    .argument('[files...]', 'spec files to check');
  addSpecOptions(command).action(async (files: string[], opts: SpecSelection) => {
    let bad = 0;
    let problems = 0;
    for (const file of selectedSpecFiles(opts, files)) {
      const shown = relative(process.cwd(), file) || file;
      try {
        const profile = await loadProfile(file, opts.overlay ?? []);
        io.out(`ok   ${shown}: profile ${profile.name}, ${profile.objectives.length} objectives`);
      } catch (err) {
        if (!(err instanceof SpecError)) throw err;
        bad++;
        problems += err.issues.length;
        io.err(`FAIL ${shown}: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}`);
        io.err(err.format().replace(/^/gm, '  '));
      }
    }
    if (bad > 0) throw new CliError(`${bad} invalid spec file${bad === 1 ? '' : 's'} (${problems} problems)`, EXIT.invalidSpec);
  });
  return command;
}
