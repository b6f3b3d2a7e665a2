import { writeFileAtomic } from '../../output.js';
import { Command, Option } from 'commander';
import { runBackfillCheck } from '../../backfill/check.js';
import { renderCheckJson, renderCheckText } from '../../backfill/check-report.js';
import { importHistory, UnknownScenarioError } from '../../backfill/import.js';
import { SCENARIOS } from '../../backfill/import-scenarios.js';
import { BackfillError } from '../../backfill/blocks.js';
import { parseDuration } from '../../format.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { addSpecOptions, type SpecSelection } from '../spec-options.js';
import { addPrometheusOptions, BACKFILL_CHECK_PROMETHEUS, openPrometheus, type PrometheusFlags, prometheusClientOptions } from '../prometheus-options.js';
import { oneProfile, parseAtOption } from './gate.js';

interface ImportOptions {
  file?: string;
  scenario?: string;
  dataDir: string;
  end?: string;
}

interface CheckOptions extends SpecSelection, PrometheusFlags {
  from: string;
  to?: string;
  step: string;
  format: 'text' | 'json';
  output?: string;
  gate: boolean;
}

function importCommand(io: Io): Command {
  const scenarios = SCENARIOS.map((s) => `  ${s.name} (${s.profile}, ${s.days} days): ${s.description}`).join('\n');
  return new Command('import')
    .description('import historical samples (OpenMetrics file or a generated scenario) into TSDB blocks with promtool')
    .option('--file <file>', 'OpenMetrics file (timestamps in seconds, sorted per series, ending with # EOF)')
    .option('--scenario <name>', 'a generated scenario (see below)')
    .requiredOption('--data-dir <dir>', 'Prometheus --storage.tsdb.path to write the blocks into (start Prometheus on it with a long retention)')
    .option('--end <time>', 'scenario end time: ISO 8601 with zone, Unix seconds or "now" (default: now − 3h, outside the head block)')
    .addHelpText('after', `\nScenarios:\n${scenarios}`)
    .action(async (opts: ImportOptions) => {
      if ((opts.file === undefined) === (opts.scenario === undefined)) throw new UsageError('give exactly one of --file FILE or --scenario NAME');
      const end = opts.end === undefined ? Math.floor(Date.now() / 1000) - 3 * 3600 : parseAtOption(opts.end);
      const source = opts.file !== undefined ? { file: opts.file } : { scenario: opts.scenario!, endSeconds: end };
      try {
        const r = await importHistory({ source, dataDir: opts.dataDir, onProgress: (l) => io.out(l) });
        const span = r.input.minTimestampSeconds !== undefined && r.input.maxTimestampSeconds !== undefined
          ? ` from ${new Date(r.input.minTimestampSeconds * 1000).toISOString()} to ${new Date(r.input.maxTimestampSeconds * 1000).toISOString()}`
          : '';
        io.out(`imported ${r.input.samples} samples${span} into ${r.blocks.length} block(s) in ${opts.dataDir} (${(r.durationMs / 1000).toFixed(1)} s)`);
        if (r.scenario !== undefined) {
          io.out(`built to trigger: ${r.scenario.expectedAlerts.length === 0 ? 'no alerts' : r.scenario.expectedAlerts.join(', ')}`);
        }
      } catch (err) {
        if (err instanceof UnknownScenarioError) throw new UsageError(err.message);
        if (err instanceof BackfillError) throw new CliError(err.message, EXIT.blockedOrCheckFailed);
        throw err;
      }
    });
}

function checkCommand(io: Io): Command {
  const c = new Command('check').description(
    'what the generated alerts and the release gate would have said over a past span, day by day (tune thresholds before enforcing them)',
  );
  addSpecOptions(c);
  addPrometheusOptions(c, BACKFILL_CHECK_PROMETHEUS);
  c.requiredOption('--from <time>', 'start: ISO 8601 with zone, Unix seconds')
    .option('--to <time>', 'end (default now)')
    .option('--step <duration>', 'alert evaluation resolution', '5m')
    .option('--no-gate', 'do not evaluate the gate at each day end')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--output <file>', 'write the report to a file (atomically; - for stdout)')
    .action(async (opts: CheckOptions) => {
      const profile = await oneProfile(opts);
      const clientOptions = prometheusClientOptions(opts, BACKFILL_CHECK_PROMETHEUS);
      const from = parseAtOption(opts.from);
      const to = parseAtOption(opts.to);
      if (!(from < to)) throw new UsageError(`--from must be before --to`);
      const step = parseDuration(opts.step);
      if (step === undefined || step <= 0) throw new UsageError(`--step "${opts.step}" is not a duration like 5m`);
      const client = openPrometheus(clientOptions);
      try {
        const report = await runBackfillCheck({ profile, client, from, to, stepSeconds: step, gate: opts.gate, onProgress: (l) => io.err(l) });
        const text = opts.format === 'json' ? renderCheckJson(report) : renderCheckText(report);
        if (opts.output !== undefined && opts.output !== '-') {
          await writeFileAtomic(opts.output, text);
          io.out(`backfill check ${profile.name}: ${report.fired.length} alert(s) would have fired; report in ${opts.output}`);
        } else io.out(text.replace(/\n$/, ''));
        if (report.errors.length > 0) throw new CliError(`could not derive ${report.errors.length} alert(s): ${report.errors[0] ?? ''}`, EXIT.cannotEvaluate);
      } finally {
        await client.close();
      }
    });
  return c;
}

/** `agent-slo backfill import|check`. */
export function backfillCommand(io: Io): Command {
  const c = new Command('backfill').description('historical data: import samples into TSDB blocks; check what alerts and the gate would have said');
  for (const sub of [importCommand(io), checkCommand(io)]) {
    // Usage errors of subcommands go through runCli like every other command's (never process.exit here).
    sub.exitOverride().showHelpAfterError('(run with --help for usage)');
    sub.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
    c.addCommand(sub);
  }
  return c;
}
