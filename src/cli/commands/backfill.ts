import { writeFileAtomic } from '../../output.js';
import { Command, Option } from 'commander';
import { runBackfillCheck } from '../../backfill/check.js';
import { renderCheckJson, renderCheckText } from '../../backfill/check-report.js';
import { importHistory, type ImportSource, UnknownScenarioError } from '../../backfill/import.js';
import { SCENARIOS } from '../../backfill/import-scenarios.js';
import { BackfillError } from '../../backfill/blocks.js';
import { createPrometheusClient } from '../../prometheus/client.js';
import { parseDuration } from '../../format.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { addProfileOptions, loadSelectedProfiles, type ProfileSelection } from '../profile-options.js';
import { PrometheusClientError } from '../../prometheus/errors.js';
import { addPrometheusOptions, BACKFILL_CHECK_PROMETHEUS, type PrometheusFlags, prometheusClientOptions } from '../prometheus-options.js';
import { oneProfile, parseAtOption } from '../scope-options.js';

interface ImportOptions extends ProfileSelection {
  file?: string;
  scenario?: string;
  dataDir: string;
  end?: string;
  promtool: string;
}

interface CheckOptions extends ProfileSelection, PrometheusFlags {
  from: string;
  to?: string;
  step: string;
  format: 'text' | 'json';
  output?: string;
  gate: boolean;
}

function importCommand(io: Io): Command {
  const scenarios = SCENARIOS.map((s) => `  ${s.name} (${s.profile}, ${s.days} days): ${s.description}`).join('\n');
  const c = new Command('import')
    .description('import historical samples (OpenMetrics file or a generated scenario) into TSDB blocks with promtool')
    .option('--file <file>', 'OpenMetrics file (timestamps in seconds, sorted per series, ending with # EOF)')
    .option('--scenario <name>', "a generated scenario (see below), named as --spec/--profile's metricNames says (default: the shipped profile's)");
  addProfileOptions(c);
  return c
    .requiredOption('--data-dir <dir>', 'Prometheus --storage.tsdb.path to write the blocks into (start Prometheus on it with a long retention)')
    .option('--end <time>', 'scenario end time: ISO 8601 with zone, Unix seconds or "now" (default: now − 3h, outside the head block)')
    .option('--promtool <path>', "promtool binary (Prometheus 3's for a spec with utf8 metricNames)", 'promtool')
    .addHelpText('after', `\nScenarios:\n${scenarios}`)
    .action(async (opts: ImportOptions) => {
      if ((opts.file === undefined) === (opts.scenario === undefined)) throw new UsageError('give exactly one of --file FILE or --scenario NAME');
      const specGiven = opts.spec !== undefined || opts.profile !== undefined;
      if (opts.file !== undefined && specGiven) throw new UsageError('--spec/--profile name the series of a --scenario; an OpenMetrics --file is imported as written');
      const end = opts.end === undefined ? Math.floor(Date.now() / 1000) - 3 * 3600 : parseAtOption(opts.end);
      let source: ImportSource;
      if (opts.file !== undefined) source = { file: opts.file };
      else if (!specGiven) source = { scenario: opts.scenario!, endSeconds: end };
      else {
        const profile = await oneProfile(opts);
        const built = SCENARIOS.find((s) => s.name === opts.scenario);
        if (built !== undefined && built.profile !== profile.name) {
          throw new UsageError(`scenario ${built.name} is built for profile ${built.profile}; the spec is profile ${profile.name}`);
        }
        source = { scenario: opts.scenario!, endSeconds: end, metricNames: profile.metricNames };
      }
      try {
        const r = await importHistory({ source, dataDir: opts.dataDir, promtool: opts.promtool, onProgress: (l) => io.out(l) });
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
  addProfileOptions(c);
  addPrometheusOptions(c, BACKFILL_CHECK_PROMETHEUS);
  c.requiredOption('--from <time>', 'start: ISO 8601 with zone, Unix seconds')
    .option('--to <time>', 'end (default now)')
    .option('--step <duration>', 'alert evaluation resolution', '5m')
    .option('--no-gate', 'do not evaluate the gate at each day end')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file (atomically; - for stdout)')
    .action(async (opts: CheckOptions) => {
      const profile = await oneProfile(opts);
      const clientOptions = prometheusClientOptions(opts, BACKFILL_CHECK_PROMETHEUS);
      const from = parseAtOption(opts.from);
      const to = parseAtOption(opts.to);
      if (!(from < to)) throw new UsageError(`--from must be before --to`);
      const step = parseDuration(opts.step);
      if (step === undefined || step < 1 || step > 86_400) throw new UsageError(`--step "${opts.step}" must be a duration from 1s to 1d, like 5m`);
      const client = createPrometheusClient(clientOptions);
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

interface RulesOptions extends ProfileSelection, PrometheusFlags {
  dataDir: string;
  from: string;
  to?: string;
  wait: string;
  promtool: string;
  maxLevel?: string;
}

/** `agent-slo backfill rules`: recorded series for the past, for a Prometheus that had the raw history before the rules. */
function rulesCommand(io: Io): Command {
  const c = new Command('rules').description(
    'backfill the generated recording rules over past raw data into a running Prometheus (level by level, no holes at block boundaries), so gates and dashboards see history at once',
  );
  addProfileOptions(c);
  addPrometheusOptions(c, BACKFILL_CHECK_PROMETHEUS);
  c.requiredOption('--data-dir <dir>', "that Prometheus' --storage.tsdb.path (the blocks are moved in; it loads them within about a minute)")
    .requiredOption('--from <time>', 'start: ISO 8601 with zone or Unix seconds (e.g. the start of the raw history you want covered)')
    .option('--to <time>', 'end (default: where the live rules started recording, or now when they have not)')
    .option('--wait <duration>', 'how long to wait for Prometheus to load each level', '5m')
    .option('--promtool <path>', 'promtool binary (the same major version as the Prometheus)', 'promtool')
    .option('--max-level <n>', 'backfill only levels 1..N (level 1 reads raw series; higher levels read lower ones)')
    .addHelpText(
      'after',
      '\nRun it where the Prometheus data directory is writable (same host or volume). Samples the live rules already\nrecorded are never written twice: without --to it stops where they start; with a --to past that it refuses (exit 64).\nExit codes: 0 done, 1 promtool failed or Prometheus did not load a level in time, 3 Prometheus could not be queried.',
    )
    .action(async (opts: RulesOptions) => {
      const [{ profileRuleGroups }, live] = await Promise.all([import('../../generate/prometheus/rules.js'), import('../../backfill/live-rules.js')]);
      const profiles = await loadSelectedProfiles(opts);
      const from = parseAtOption(opts.from);
      const wait = parseDuration(opts.wait);
      if (wait === undefined || wait <= 0) throw new UsageError(`--wait "${opts.wait}" is not a duration like 5m`);
      const maxLevel = opts.maxLevel === undefined ? undefined : Number(opts.maxLevel);
      if (maxLevel !== undefined && !(Number.isInteger(maxLevel) && maxLevel >= 1 && maxLevel <= 20)) throw new UsageError(`--max-level "${opts.maxLevel}" must be an integer 1..20`);
      const groups = profiles.flatMap((p) => profileRuleGroups(p));
      const client = createPrometheusClient(prometheusClientOptions(opts, BACKFILL_CHECK_PROMETHEUS));
      const query = async (expr: string, at: number): Promise<number[]> => {
        const r = await client.instantQuery(expr, at);
        return r.resultType === 'vector' ? r.result.map((s) => s.value) : r.resultType === 'scalar' ? [r.result.value] : [];
      };
      try {
        let to = opts.to === undefined ? undefined : parseAtOption(opts.to);
        if (to === undefined) {
          const now = Math.floor(Date.now() / 1000);
          const liveStart = await live.firstRecordedSample(query, live.recordedNames(groups), from, now);
          // Up to one second before the first live sample: no evaluation is written twice.
          to = liveStart === undefined ? now : liveStart - 1;
          io.err(liveStart === undefined ? `the rules have not recorded anything yet: backfilling up to now` : `the live rules started recording at ${new Date(liveStart * 1000).toISOString()}: backfilling up to then`);
          const longest = Math.max(...groups.map((g) => g.intervalSeconds));
          if (to - from < longest) {
            io.out(`nothing to backfill: the recorded series already start within ${longest} s of --from`);
            return;
          }
        }
        if (!(from < to)) throw new UsageError(`--from must be before --to (${new Date(to * 1000).toISOString()})`);
        const started = Date.now();
        const levels = await live.backfillRulesIntoLive({
          groups,
          prometheusUrl: client.url,
          dataDir: opts.dataDir,
          startSeconds: from,
          endSeconds: to,
          query,
          waitMs: wait * 1000,
          promtool: opts.promtool,
          ...(maxLevel !== undefined ? { maxLevel } : {}),
          onProgress: (l) => io.err(l),
        });
        const blocks = levels.reduce((n, l) => n + l.blocks, 0);
        const rules = levels.reduce((n, l) => n + l.rules, 0);
        io.out(`backfilled ${rules} recording rules in ${levels.length} level(s) from ${new Date(from * 1000).toISOString()} to ${new Date(to * 1000).toISOString()}: ${blocks} blocks in ${opts.dataDir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      } catch (err) {
        if (err instanceof live.RecordedOverlapError) throw new UsageError(`${err.message}: use --to ${new Date(err.firstSampleSeconds * 1000).toISOString()} or omit --to`);
        if (err instanceof live.LevelNotLoadedError || err instanceof BackfillError) throw new CliError(err.message, EXIT.blockedOrCheckFailed);
        if (err instanceof PrometheusClientError) throw new CliError(`cannot query Prometheus: ${err.reason}`, EXIT.cannotEvaluate);
        throw err;
      } finally {
        await client.close();
      }
    });
  return c;
}

/** `agent-slo backfill import|check|rules`. */
export function backfillCommand(io: Io): Command {
  const c = new Command('backfill').description('historical data: import samples into TSDB blocks; backfill recorded series; check what alerts and the gate would have said');
  for (const sub of [importCommand(io), checkCommand(io), rulesCommand(io)]) {
    // Usage errors of subcommands go through runCli like every other command's (never process.exit here).
    sub.exitOverride().showHelpAfterError('(run with --help for usage)');
    sub.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
    c.addCommand(sub);
  }
  return c;
}
