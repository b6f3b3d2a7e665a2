import { relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ProfileSource } from '../../generate/all.js';
import { loadProfile } from '../../profile/load.js';
import { CheckFailedError } from '../errors.js';
import type { Io } from '../io.js';
import { packageRoot } from '../paths.js';
import { addSpecOptions, selectedSpecFiles, type SpecSelection } from '../spec-options.js';

interface GenerateOptions extends SpecSelection {
  out?: string;
  check?: boolean;
  prometheusOperator?: boolean;
}

/**
 * `agent-slo generate [--spec FILE...|--profile NAME...] [--out DIR] [--check]`: rules + promtool tests,
 * Alertmanager config and Grafana dashboards per profile; with no selection also the instrumentation's bucket
 * boundaries (they come from all shipped profiles together). `--check` compares instead of writing: exit 1 with a
 * diff when the committed output is stale.
 */
export function generateCommand(io: Io): Command {
  const command = new Command('generate')
    .description('generate Prometheus rules and promtool tests, Alertmanager config and Grafana dashboards from SLO specs')
    .addOption(new Option('--out <dir>', 'output root (default: the agent-slo package root, where the files are committed)'))
    .addOption(new Option('--prometheus-operator', 'also write rules/<profile>/prometheusrule.yaml (a monitoring.coreos.com/v1 PrometheusRule with the same groups)'))
    .addOption(new Option('--check', 'do not write: exit 1 with a diff when the files under --out are missing or stale'));
  addSpecOptions(command).action(async (opts: GenerateOptions) => {
    // Loaded on use (the Grafana SDK and the generators are most of the CLI's start-up otherwise).
    const [{ generateAll }, { checkGenerated, writeGenerated }] = await Promise.all([import('../../generate/all.js'), import('../../generate/write.js')]);
    const root = resolve(opts.out ?? packageRoot());
    const files = selectedSpecFiles(opts);
    const sources: ProfileSource[] = [];
    for (const file of files) {
      const profile = await loadProfile(file, opts.overlay ?? []);
      sources.push({ profile, specPath: relative(packageRoot(), file).replaceAll('\\', '/') });
    }
    const defaultSelection = opts.spec === undefined && opts.profile === undefined;
    const generated = generateAll(sources, { buckets: defaultSelection, prometheusOperator: opts.prometheusOperator === true });
    if (opts.check === true) {
      const stale = await checkGenerated(root, generated, (path, ok) => io.out(`${ok ? 'ok     ' : 'STALE  '} ${path}`));
      if (stale.length > 0) {
        for (const s of stale) io.out(s.diff);
        throw new CheckFailedError(`${String(stale.length)} of ${String(generated.length)} generated files are ${stale.some((s) => s.reason === 'missing') ? 'missing or ' : ''}stale: run \`agent-slo generate\` and commit the result`);
      }
      io.out(`generate --check: ${String(generated.length)} files up to date`);
      return;
    }
    const counts = await writeGenerated(root, generated, (path, status) => io.out(`${status.padEnd(9)} ${path}`));
    io.out(`generated ${String(generated.length)} files under ${root}: ${String(counts.created)} created, ${String(counts.updated)} updated, ${String(counts.unchanged)} unchanged`);
  });
  return command;
}
