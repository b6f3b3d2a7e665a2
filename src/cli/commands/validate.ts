import { relative } from 'node:path';
import { Command } from 'commander';
import { SpecError, SpecInputError } from '../../profile/errors.js';
import { loadProfile } from '../../profile/load.js';
import { STDIN_NAME } from '../../profile/read.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { addProfileOptions, selectedProfileFiles, type ProfileSelection } from '../profile-options.js';

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `agent-slo validate [FILES...]`: checks specs; reports every problem of every file in one run. */
export function validateCommand(io: Io): Command {
  const command = new Command('validate')
    .description('check SLO spec files (default: the shipped profiles) and report every problem with file:line:column, field and fix')
    .argument('[files...]', 'spec files to check (- reads one spec from stdin)')
    .addHelpText('after', '\nExit codes: 0 every spec is valid, 65 a spec is invalid, 66 a file does not exist or cannot be read.');
  addProfileOptions(command).action(async (files: string[], opts: ProfileSelection) => {
    let bad = 0;
    let unreadable = 0;
    let problems = 0;
    for (const file of selectedProfileFiles(opts, files)) {
      const rel = relative(process.cwd(), file);
      const shown = file === '-' ? STDIN_NAME : rel !== '' && !rel.startsWith('..') ? rel : file;
      try {
        const profile = await loadProfile(file, opts.overlay ?? []);
        io.out(`ok   ${shown}: profile ${profile.name}, ${count(profile.objectives.length, 'objective')}`);
      } catch (err) {
        if (!(err instanceof SpecError)) throw err;
        if (err instanceof SpecInputError) unreadable++;
        bad++;
        problems += err.issues.length;
        io.err(`FAIL ${shown}: ${count(err.issues.length, 'problem')}`);
        io.err(err.format().replace(/^/gm, '  '));
      }
    }
    if (bad > 0) {
      const what = unreadable === bad ? count(bad, 'unreadable spec file') : count(bad, 'invalid spec file');
      throw new CliError(`${what} (${count(problems, 'problem')})`, unreadable > 0 ? EXIT.noInput : EXIT.invalidSpec);
    }
  });
  return command;
}
