import { readFileSync } from 'node:fs';
import { createPrometheusClient } from '../../prometheus/client.js';
import { Command, Option } from 'commander';
import type { Matcher } from '../../conventions.js';
import { parseMatcher } from '../../promql/selector.js';
import type { Profile } from '../../profile/model.js';
import type { AuditLocation } from '../../audit/log.js';
import { runGate } from '../../gate/gate.js';
import { renderJson } from '../../gate/report/json.js';
import { renderJunit } from '../../gate/report/junit.js';
import { renderMarkdown } from '../../gate/report/markdown.js';
import { statusLabel } from '../../gate/report/model.js';
import { renderText } from '../../gate/report/text.js';
import { parseAt } from '../../gate/time.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { packageVersion } from '../../package.js';
import { checkReportTargets, parseReportTargets, REPORT_OPTION, writeReports } from '../report-targets.js';
import { addPrometheusOptions, GATE_PROMETHEUS, type PrometheusFlags, prometheusClientOptions } from '../prometheus-options.js';
import { addSpecOptions, loadSelectedProfiles, type SpecSelection } from '../spec-options.js';

export const ENV_AUDIT_LOG = 'AGENT_SLO_AUDIT_LOG';
export const ENV_AUDIT_ANCHOR = 'AGENT_SLO_AUDIT_ANCHOR';
export const ENV_AUDIT_KEY_FILE = 'AGENT_SLO_AUDIT_KEY_FILE';
export const ENV_AUDIT_KEY = 'AGENT_SLO_AUDIT_KEY';
/** Shortest audit key accepted (HMAC-SHA256 keys shorter than this are guessable). */
const MIN_AUDIT_KEY_BYTES = 16;
export const DEFAULT_AUDIT_LOG = '.agent-slo/audit.jsonl';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** --selector, --model, --at, audit location: shared by gate, approve and override. */
export function addScopeOptions(c: Command): Command {
  return c
    .option('--selector <k=v>', 'extra label matcher on every series (k=v, k!=v, k=~re, k!~re); repeatable', collect, [])
    .option('--model <name>', 'the model being enabled: labels the decision, scopes approvals/overrides, filters series where the spec says so')
    .option('--at <time>', 'evaluation time: ISO 8601 with zone, Unix seconds, or "now" (default now); makes a decision reproducible');
}

export function addAuditOptions(c: Command): Command {
  return c
    .option('--audit-log <file>', `hash-chained audit log (env ${ENV_AUDIT_LOG}; default ${DEFAULT_AUDIT_LOG})`)
    .option('--audit-anchor <file>', `anchor with the log's head hash; keep it where the log's writer cannot write (env ${ENV_AUDIT_ANCHOR}; default <audit-log>.anchor, which protects against accidents only)`)
    .option('--audit-key-file <file>', `HMAC key: records are keyed so a writer without the key cannot forge or re-chain them (env ${ENV_AUDIT_KEY_FILE}, or the key itself in ${ENV_AUDIT_KEY}; docs/security.md)`);
}

/** The audit key from --audit-key-file, $AGENT_SLO_AUDIT_KEY_FILE or $AGENT_SLO_AUDIT_KEY (one trailing newline dropped). */
export function auditKey(file: string | undefined): Buffer | undefined {
  const path = file ?? process.env[ENV_AUDIT_KEY_FILE];
  let key: Buffer;
  let source: string;
  if (path !== undefined && path !== '') {
    try {
      key = readFileSync(path);
    } catch (err) {
      throw new UsageError(`cannot read the audit key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    source = path;
  } else {
    const inline = process.env[ENV_AUDIT_KEY];
    if (inline === undefined || inline === '') return undefined;
    key = Buffer.from(inline, 'utf8');
    source = `$${ENV_AUDIT_KEY}`;
  }
  if (key.at(-1) === 0x0a) key = key.subarray(0, key.at(-2) === 0x0d ? -2 : -1);
  if (key.length < MIN_AUDIT_KEY_BYTES) throw new UsageError(`the audit key in ${source} has ${String(key.length)} bytes, fewer than ${String(MIN_AUDIT_KEY_BYTES)}: use e.g. \`head -c 32 /dev/urandom | base64\``);
  return key;
}

export function auditLocation(opts: { auditLog?: string; auditAnchor?: string; auditKeyFile?: string }): AuditLocation {
  const log = opts.auditLog ?? process.env[ENV_AUDIT_LOG] ?? DEFAULT_AUDIT_LOG;
  const anchor = opts.auditAnchor ?? process.env[ENV_AUDIT_ANCHOR];
  const key = auditKey(opts.auditKeyFile);
  return { log, ...(anchor !== undefined && anchor !== '' ? { anchor } : {}), ...(key !== undefined ? { key } : {}) };
}

export function parseSelectors(texts: readonly string[]): Matcher[] {
  return texts.map((t) => {
    const m = parseMatcher(t);
    if (m === undefined) throw new UsageError(`--selector "${t}" is not a label matcher like scenario=a, env!=dev or route=~"api.*"`);
    return m;
  });
}

export function parseAtOption(text: string | undefined): number {
  const now = Math.floor(Date.now() / 1000);
  if (text === undefined) return now;
  const at = parseAt(text, now);
  if (at === undefined) throw new UsageError(`--at "${text}" is not a time: use ISO 8601 with a zone (2025-06-08T00:00:00Z), Unix seconds, or "now"`);
  return at;
}

/** Exactly one profile (gate, approve and override work on one profile at a time). */
export async function oneProfile(opts: SpecSelection): Promise<Profile> {
  if ((opts.spec?.length ?? 0) + (opts.profile?.length ?? 0) !== 1) {
    throw new UsageError('give exactly one of --spec FILE or --profile NAME');
  }
  const [profile] = await loadSelectedProfiles(opts);
  if (profile === undefined) throw new UsageError('no profile selected');
  return profile;
}

interface GateOptions extends SpecSelection, PrometheusFlags {
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
  objective: string[];
}

const RENDER = { text: renderText, json: renderJson, markdown: renderMarkdown, junit: renderJunit } as const;
type GateFormat = keyof typeof RENDER;
const GATE_FORMATS = Object.keys(RENDER) as GateFormat[];

/** `agent-slo gate`: the release gate. Exit 0 pass, 1 blocked, 2 approval required, 3 cannot evaluate. */
export function gateCommand(io: Io): Command {
  const command = new Command('gate').description(
    'release gate: evaluate the profile\'s SLOs in Prometheus at --at and decide pass (0), blocked (1), approval required (2) or cannot evaluate (3)',
  );
  addSpecOptions(command);
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
