/**
 * `agent-slo backfill import`: historical samples (an OpenMetrics file, or a named scenario rendered as OpenMetrics)
 * into TSDB blocks with promtool. The blocks go into a Prometheus `--storage.tsdb.path`; start (or restart)
 * Prometheus on it with a long retention.
 */
import { createBlocks, type CreateBlocksResult } from './blocks.js';
import { findScenario, scenarioNames, type ScenarioData } from './import-scenarios.js';
import { writeOpenMetrics } from './openmetrics.js';

export type ImportSource = { readonly file: string } | { readonly scenario: string; readonly endSeconds: number };

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

/** Renders a named scenario (pure). */
export function scenarioData(name: string, endSeconds: number): ScenarioData {
  const def = findScenario(name);
  if (def === undefined) throw new UnknownScenarioError(name);
  return def.build(endSeconds);
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
  const scenario = scenarioData(opts.source.scenario, opts.source.endSeconds);
  const text = writeOpenMetrics(scenario.families);
  const days = (scenario.endSeconds - scenario.startSeconds) / 86_400;
  progress(`scenario ${scenario.name} (${scenario.profile}, ${days} days to ${new Date(scenario.endSeconds * 1000).toISOString()}): ${scenario.description}`);
  const result = await createBlocks({ ...common, openMetrics: text });
  return { ...result, scenario };
}
