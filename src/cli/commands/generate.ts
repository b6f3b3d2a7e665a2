import { relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ProfileSource } from '../../generate/all.js';
import { loadProfile } from '../../profile/load.js';
import { STDIN_NAME } from '../../profile/read.js';
import { readYamlInput } from '../yaml-input.js';
import { parseSpanSettings, SpanSettingsError, type SpanSettings } from '../../generate/collector/settings.js';
import { EXIT } from '../exit-codes.js';
import { OutputError } from '../../output.js';
import { CheckFailedError, CliError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { packageRoot } from '../../package.js';
import { addProfileOptions, selectedProfileFiles, type ProfileSelection } from '../profile-options.js';

/**
 * The spec path written in generated headers: relative to the output root, so `generate --check` answers the same
 * from any working directory and wherever agent-slo is installed.
 */
export function headerSpecPath(file: string, root: string): string {
  return file === '-' ? STDIN_NAME : relative(root, resolve(file)).replaceAll('\\', '/');
}

interface GenerateOptions extends ProfileSelection {
  out?: string;
  check?: boolean;
  prometheusOperator?: boolean;
  spanSettings?: string;
}

/** Reads and checks a --span-settings file (bounded read, hardened YAML): 66 when unreadable, 65 when invalid. */
async function readSpanSettings(file: string): Promise<SpanSettings> {
  const { shown, values } = await readYamlInput(file);
  if (values.length > 1) throw new CliError(`--span-settings ${shown}: contains ${String(values.length)} YAML documents; put the settings in one`, EXIT.invalidSpec);
  try {
    return parseSpanSettings(values[0], shown);
  } catch (err) {
    if (err instanceof SpanSettingsError) throw new CliError(`--span-settings ${err.message}`, EXIT.invalidSpec);
    throw err;
  }
}

/**
 * `agent-slo generate [--spec FILE...|--profile NAME...] [--out DIR] [--check]`: rules + promtool tests,
 * Alertmanager config and Grafana dashboards per profile, and buckets.json (histogram bucket boundaries for the
 * instrumentation), under the current directory unless --out says otherwise. `--check` compares
 * instead of writing: exit 1 with a diff when the committed output is stale.
 */
export function generateCommand(io: Io): Command {
  const command = new Command('generate')
    .description('generate Prometheus rules and promtool tests, Alertmanager config and Grafana dashboards from SLO specs')
    .addOption(new Option('-o, --out <dir>', 'output root (default: the current directory); rules/, alertmanager/ and dashboards/ go below it'))
    .addOption(new Option('--prometheus-operator', 'also write rules/<profile>/prometheusrule.yaml (a monitoring.coreos.com/v1 PrometheusRule with the same groups)'))
    .addOption(new Option('--check', 'do not write: exit 1 with a diff when the files under --out are missing or stale'))
    .addOption(
      new Option(
        '--span-settings <file>',
        'also write collector-config/otelcol-span-settings.yaml from a YAML file with the Node package\'s priceTable (USD per million tokens) and cardinality (allow, maxValueLength) options: the collector span path\'s prices and label bounds',
      ),
    );
  addProfileOptions(command).action(async (opts: GenerateOptions) => {
    // Loaded on use (the Grafana SDK and the generators are most of the CLI's start-up otherwise).
    const [{ generateAll }, { checkGenerated, writeGenerated }] = await Promise.all([import('../../generate/all.js'), import('../../generate/write.js')]);
    if (opts.out === '-') throw new UsageError('generate writes a tree of files (rules/, alertmanager/, dashboards/), not one stream: --out - is not possible; give a directory');
    const root = resolve(opts.out ?? '.');
    const files = selectedProfileFiles(opts);
    const sources: ProfileSource[] = [];
    for (const file of files) {
      const profile = await loadProfile(file, opts.overlay ?? []);
      sources.push({ profile, specPath: headerSpecPath(file, root) });
    }
    // The repository's collector span pipeline carries the shipped profiles' buckets together.
    const collectorSpans = opts.spec === undefined && opts.profile === undefined && root === packageRoot();
    const spanSettings = opts.spanSettings === undefined ? undefined : { settings: await readSpanSettings(opts.spanSettings), source: headerSpecPath(opts.spanSettings, root) };
    const generated = generateAll(sources, { collectorSpans, prometheusOperator: opts.prometheusOperator === true, ...(spanSettings !== undefined ? { spanSettings } : {}) });
    if (opts.check === true) {
      const stale = await checkGenerated(root, generated, (path, ok) => io.out(`${ok ? 'ok     ' : 'STALE  '} ${path}`));
      if (stale.length > 0) {
        for (const s of stale) io.out(s.diff);
        throw new CheckFailedError(`${String(stale.length)} of ${String(generated.length)} generated files are ${stale.some((s) => s.reason === 'missing') ? 'missing or ' : ''}stale: run \`agent-slo generate\` and commit the result`);
      }
      io.out(`generate --check: ${String(generated.length)} files up to date`);
      return;
    }
    const counts = await writeGenerated(root, generated, (path, status) => io.out(`${status.padEnd(9)} ${path}`)).catch((err: unknown) => {
      // A bad output path is the caller's to fix (64); I/O failures keep their own type.
      if (err instanceof OutputError && err.kind === 'path') throw new UsageError(`--out: ${err.message}; nothing was written`);
      throw err;
    });
    io.out(`generated ${String(generated.length)} files under ${opts.out ?? '.'}: ${String(counts.created)} created, ${String(counts.updated)} updated, ${String(counts.unchanged)} unchanged`);
  });
  return command;
}
