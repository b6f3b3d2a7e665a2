/**
 * `agent-slo backfill import`: historical samples (an OpenMetrics file, or a named scenario rendered as OpenMetrics)
 * into TSDB blocks with promtool. The blocks go into a Prometheus `--storage.tsdb.path`; start (or restart)
 * Prometheus on it with a long retention.
 */
import { BackfillError, createBlocks, type CreateBlocksResult, promtoolMajorVersion } from './blocks.js';
import { DEFAULT_METRIC_NAMING, isUtf8Naming, type MetricNaming, minPrometheusVersion } from '../conventions.js';
import { findScenario, scenarioNames, type ScenarioData, spellFamilies } from './import-scenarios.js';
import { writeOpenMetrics } from './openmetrics.js';

export type ImportSource =
  | { readonly file: string }
  /** `metricNames`: how the spec the scenario is imported for names metrics (default otel-js). */
  | { readonly scenario: string; readonly endSeconds: number; readonly metricNames?: MetricNaming };

export interface ImportOptions {
  readonly source: ImportSource;
  readonly dataDir: string;
  readonly promtool?: string;
  /** One line per step and per created block. */
  readonly onProgress?: (line: string) => void;
  readonly nowMs?: number;
  /** Aborting kills promtool and rejects with the AbortError. */
  readonly signal?: AbortSignal;
}

export interface ImportResult extends CreateBlocksResult {
  /** The scenario, when one was imported. */
  readonly scenario?: ScenarioData;
}

export class UnknownScenarioError extends Error {
  override readonly name = 'UnknownScenarioError';
  constructor(readonly scenario: string) {
    super(`unknown scenario "${scenario}"; scenarios: ${scenarioNames().join(', ')}`);
  }
}

/** Renders a named scenario with metric and label names as `naming` spells them (pure). */
export function scenarioData(name: string, endSeconds: number, naming: MetricNaming = DEFAULT_METRIC_NAMING): ScenarioData {
  const def = findScenario(name);
  if (def === undefined) throw new UnknownScenarioError(name);
  const data = def.build(endSeconds);
  return { ...data, families: spellFamilies(data.families, naming) };
}

/** Imports the source into blocks under `dataDir`, reporting progress. */
export async function importHistory(opts: ImportOptions): Promise<ImportResult> {
  const progress = opts.onProgress ?? (() => undefined);
  let blockCount = 0;
  const onBlock = (line: string): void => {
    if (/BLOCK ULID/.test(line) || line.trim() === '') return;
    blockCount++;
    progress(`  block ${blockCount}: ${line.trim()}`);
  };
  const common = { dataDir: opts.dataDir, onProgress: onBlock, ...(opts.promtool !== undefined ? { promtool: opts.promtool } : {}), ...(opts.nowMs !== undefined ? { nowMs: opts.nowMs } : {}), ...(opts.signal !== undefined ? { signal: opts.signal } : {}) };
  if ('file' in opts.source) {
    progress(`importing ${opts.source.file} into ${opts.dataDir}`);
    return createBlocks({ ...common, openMetrics: { file: opts.source.file } });
  }
  const naming = opts.source.metricNames ?? DEFAULT_METRIC_NAMING;
  const scenario = scenarioData(opts.source.scenario, opts.source.endSeconds, naming);
  if (isUtf8Naming(naming)) {
    // UTF-8 names are written quoted, which promtool 2.x cannot parse: refuse before writing anything.
    const command = opts.promtool ?? 'promtool';
    const major = await promtoolMajorVersion(command);
    const needed = minPrometheusVersion(naming);
    if (major === undefined || major < needed) {
      throw new BackfillError(`metricNames ${naming} writes UTF-8 names that only promtool ${String(needed)}.x reads; ${command} is ${major === undefined ? 'of unknown version' : `version ${String(major)}.x`} (give Prometheus ${String(needed)}'s promtool with --promtool)`);
    }
  }
  const text = writeOpenMetrics(scenario.families, { utf8Names: isUtf8Naming(naming) });
  const days = (scenario.endSeconds - scenario.startSeconds) / 86_400;
  const names = opts.source.metricNames === undefined ? '' : `, metricNames ${opts.source.metricNames}`;
  progress(`scenario ${scenario.name} (${scenario.profile}${names}, ${days} days to ${new Date(scenario.endSeconds * 1000).toISOString()}): ${scenario.description}`);
  const result = await createBlocks({ ...common, openMetrics: text });
  return { ...result, scenario };
}
