import { createPrometheusClient } from '../../prometheus/client.js';
import { Command, Option } from 'commander';
import { runGate } from '../../gate/gate.js';
import { GATE_QUERY_CONCURRENCY } from '../../gate/evaluate.js';
import { renderJson } from '../../gate/report/json.js';
import { renderJunit } from '../../gate/report/junit.js';
import { renderMarkdown } from '../../gate/report/markdown.js';
import { statusLabel } from '../../gate/report/model.js';
import { renderText } from '../../gate/report/text.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { packageVersion } from '../../package.js';
import { checkReportTargets, parseReportTargets, REPORT_OPTION, writeReports } from '../report-targets.js';
import { addPrometheusOptions, GATE_PROMETHEUS, type PrometheusFlags, prometheusClientOptions } from '../prometheus-options.js';
import { addAuditOptions, auditLocation } from '../audit-options.js';
import { addScopeOptions, collect, oneProfile, parseAtOption, parseSelectors } from '../scope-options.js';
import { addProfileOptions, type ProfileSelection } from '../profile-options.js';

interface GateOptions extends ProfileSelection, PrometheusFlags {
  selector: string[];
  model?: string;
  at?: string;
  format: GateFormat;
  output?: string;
  report: string[];
  hotfix?: boolean;
  auditLog?: string;
  auditAnchor?: string;
  raw?: boolean;
  allowPartialResponse?: boolean;
  queryConcurrency?: string;
  objective: string[];
}

const RENDER = { text: renderText, json: renderJson, markdown: renderMarkdown, junit: renderJunit } as const;
type GateFormat = keyof typeof RENDER;
const GATE_FORMATS = Object.keys(RENDER) as GateFormat[];

/** Bounds of --query-concurrency. */
const QUERY_CONCURRENCY = { min: 1, max: 64, default: GATE_QUERY_CONCURRENCY } as const;

function parseQueryConcurrency(text: string): number {
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= QUERY_CONCURRENCY.min && n <= QUERY_CONCURRENCY.max)) {
    throw new UsageError(`--query-concurrency ${text.slice(0, 32)} is not a whole number from ${String(QUERY_CONCURRENCY.min)} to ${String(QUERY_CONCURRENCY.max)}`);
  }
  return n;
}

/** `agent-slo gate`: the release gate. Exit 0 pass, 1 blocked, 2 approval required, 3 cannot evaluate. */
export function gateCommand(io: Io): Command {
  const command = new Command('gate').description(
    'release gate: evaluate the profile\'s SLOs in Prometheus at --at and decide pass (0), blocked (1), approval required (2) or cannot evaluate (3)',
  );
  addProfileOptions(command);
  addPrometheusOptions(command, GATE_PROMETHEUS);
  addScopeOptions(command);
  command
    .addOption(new Option('--format <format>', 'report format').choices(GATE_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the --format report to a file (stdout then gets a one-line verdict; - is stdout)')
    .option(...REPORT_OPTION)
    .option('--hotfix', 'this change is a hotfix: passes a budget freeze (recorded in the audit log)')
    .option('--objective <name>', 'evaluate only this objective; repeatable', collect, [])
    .option('--raw', 'never read recorded series; evaluate raw expressions for every window')
    .option(
      '--query-concurrency <n>',
      `PromQL queries in flight at once, ${String(QUERY_CONCURRENCY.min)}-${String(QUERY_CONCURRENCY.max)} (default ${String(QUERY_CONCURRENCY.default)}); lower it to bound the server's memory when raw windows read many series (docs/scale.md)`,
    )
    .option(
      '--allow-partial-response',
      'accept answers a federated server (Thanos Query, VictoriaMetrics cluster) marks partial or qualifies with warnings, e.g. a store down; each is listed in the reasons (default: such an answer means cannot evaluate)',
    );
  addAuditOptions(command);
  command.addHelpText('after', '\nOne run, several reports (one audit record): --report markdown=summary.md --report junit=junit.xml --report text=-');
  command.action(async (opts: GateOptions) => {
    const reports = parseReportTargets(opts.report, GATE_FORMATS, { format: opts.format, output: opts.output, formatGiven: command.getOptionValueSource('format') === 'cli' });
    await checkReportTargets(reports);
    const profile = await oneProfile(opts);
    const selector = parseSelectors(opts.selector);
    const at = parseAtOption(opts.at);
    for (const name of opts.objective) {
      if (!profile.objectives.some((o) => o.name === name)) {
        throw new UsageError(`--objective ${name}: profile ${profile.name} has ${profile.objectives.map((o) => o.name).join(', ')}`);
      }
    }
    const allowPartial = opts.allowPartialResponse === true;
    const concurrency = opts.queryConcurrency === undefined ? QUERY_CONCURRENCY.default : parseQueryConcurrency(opts.queryConcurrency);
    const client = createPrometheusClient({ ...prometheusClientOptions(opts, GATE_PROMETHEUS), ...(allowPartial ? { denyPartialResponse: false } : {}) });
    try {
      const report = await runGate({
        profile,
        client,
        at,
        selector,
        selectorText: opts.selector,
        ...(opts.model !== undefined ? { model: opts.model } : {}),
        hotfix: opts.hotfix === true,
        audit: auditLocation(opts),
        toolVersion: packageVersion(),
        preferRecorded: opts.raw !== true,
        allowPartial,
        concurrency,
        ...(opts.objective.length > 0 ? { objectives: opts.objective } : {}),
      });
      const written = await writeReports(reports, (format) => RENDER[format](report), (text) => io.out(text));
      if (written.length === reports.length) {
        const where = written.map((t) => `${t.format} report in ${t.file}`).join(', ');
        io.out(`gate ${profile.name}: ${statusLabel(report.verdict)} (exit ${report.exitCode}); ${where}`);
      }
      if (report.exitCode !== EXIT.ok) {
        const why = report.reasons[0] ?? '';
        throw new CliError(`gate ${statusLabel(report.verdict).toLowerCase()}${why ? `: ${why}` : ''}`, report.exitCode);
      }
    } finally {
      await client.close();
    }
  });
  return command;
}
