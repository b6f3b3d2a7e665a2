/**
 * `agent-slo import openslo FILE`: an OpenSLO v1 file (SLO, SLI, AlertPolicy, AlertCondition documents) → an
 * agent-slo spec on stdout or in -o FILE. Approximations are printed as notes; what has no equivalent is refused
 * (exit 65) naming the document and field. The written spec is validated before it is written.
 */
import { Command } from 'commander';
import { stringify } from 'yaml';
import { type ImportMessage, importOpenSlo } from '../../import/openslo.js';
import { loadProfileFromTexts } from '../../profile/load.js';
import { writeFileAtomic } from '../../output.js';
import { CliError } from '../errors.js';
import { readYamlInput } from '../yaml-input.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';

interface ImportOptions {
  output?: string;
  name?: string;
  owner?: string;
  channel?: string;
  runbookBaseUrl?: string;
}

const line = (m: ImportMessage): string => `${m.where}: ${m.message}`;

export function importCommand(io: Io): Command {
  const command = new Command('import').description('turn SLO definitions of other tools into an agent-slo spec');
  const openslo = new Command('openslo')
    .description('OpenSLO v1 (SLO, SLI, AlertPolicy, AlertCondition documents; as Sloth and Nobl9 read them) → an agent-slo spec')
    .argument('<file>', 'OpenSLO YAML file, several documents separated by --- (- reads stdin)')
    .option('-o, --output <file>', 'write the spec here instead of stdout (- is stdout)')
    .option('--name <name>', 'profile name (default: the first SLO\'s service)')
    .option('--owner <owner>', 'owner of every objective, e.g. "@payments" (default: a placeholder from the service)')
    .option('--channel <channel>', 'notification channel, e.g. "#payments-alerts" (default: a placeholder from the service)')
    .option('--runbook-base-url <url>', 'where the objectives\' runbooks live (default docs/runbooks/<name>)')
    .addHelpText(
      'after',
      '\nMapped: ratioMetric good/total and bad/total (Prometheus counters), thresholdMetric histogram_quantile(q, …_bucket…),\nrolling windows, AlertPolicy burnrate conditions. Approximated with a note: Timeslices/RatioTimeslices budgeting\n(as Occurrences), calendar windows (as rolling). Refused (exit 65): other metric sources, raw ratios, gauges.\nExit codes: 0 imported, 65 not importable or the result does not validate, 66 the file cannot be read.',
    )
    .action(async (file: string, opts: ImportOptions) => {
      const { shown, values } = await readYamlInput(file);
      const result = importOpenSlo(values, {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
        ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
        ...(opts.runbookBaseUrl !== undefined ? { runbookBaseUrl: opts.runbookBaseUrl } : {}),
      });
      for (const n of result.notes) io.err(`note: ${line(n)}`);
      if (result.spec === undefined) {
        for (const p of result.problems) io.err(`${shown}: ${line(p)}`);
        const n = result.problems.length;
        throw new CliError(`cannot import ${shown}: ${n} problem${n === 1 ? '' : 's'} (nothing written)`, EXIT.invalidSpec);
      }
      const header = `# Imported from OpenSLO ${shown} by agent-slo import openslo.${result.notes.length > 0 ? ' Approximations:' : ''}\n${result.notes.map((n) => `#   ${line(n)}\n`).join('')}`;
      const text = `${header}${stringify(result.spec, { lineWidth: 0 })}`;
      const target = opts.output === undefined || opts.output === '-' ? undefined : opts.output;
      // The result must be a valid spec: a problem here is a gap in the importer, reported like any invalid spec.
      loadProfileFromTexts([{ file: target ?? '<imported spec>', text }]);
      if (target === undefined) io.out(text.replace(/\n$/, ''));
      else {
        await writeFileAtomic(target, text);
        const objectives = (result.spec.objectives as unknown[]).length;
        io.err(`imported ${objectives} objective${objectives === 1 ? '' : 's'} from ${shown} → ${target} (check it with agent-slo validate ${target})`);
      }
    });
  // Usage errors of subcommands go through runCli like every other command's (exit 64, never process.exit here).
  openslo.exitOverride().showHelpAfterError('(run with --help for usage)');
  openslo.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  command.addCommand(openslo);
  return command;
}
