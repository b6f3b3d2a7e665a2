/**
 * Demo step: realistic history. Raw samples of both scenarios become TSDB blocks (promtool, concurrently), then the
 * generated recording rules are backfilled one level at a time over the most recent hours (promtool evaluates rules
 * against a Prometheus started on the same data directory and restarted after each level, so each level reads the
 * one before). Older windows have raw history only: the gate says so and evaluates raw expressions there.
 */
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { importHistory } from '../backfill/import.js';
import type { ScenarioData } from '../backfill/import-scenarios.js';
import { backfillRecordingRules, type RuleLevelResult } from '../backfill/import-rules.js';
import type { RuleGroup } from '../generate/prometheus/rule-types.js';
import { startPrometheus } from '../stack/prometheus.js';
import type { RunningPrometheus } from '../stack/types.js';

export interface HistoryResult {
  readonly scenarios: readonly ScenarioData[];
  readonly samples: number;
  readonly blocks: number;
  readonly levels: readonly RuleLevelResult[];
}

export interface HistoryOptions {
  readonly dataDir: string;
  readonly scenarios: readonly string[];
  readonly endSeconds: number;
  readonly ruleGroups: readonly RuleGroup[];
  /** Recorded series are backfilled over this many seconds before the end. */
  readonly recordedSeconds: number;
  readonly info: (line: string) => void;
  /** Aborting stops promtool and the temporary Prometheus and rejects with the AbortError (staging dirs removed). */
  readonly signal?: AbortSignal;
}

export async function buildHistory(opts: HistoryOptions): Promise<HistoryResult> {
  const staging = await mkdtemp(join(dirname(opts.dataDir), '.agent-slo-import-'));
  let blocks = 0;
  let samples = 0;
  const scenarios: ScenarioData[] = [];
  try {
    const results = await Promise.all(
      opts.scenarios.map((name, i) => importHistory({ source: { scenario: name, endSeconds: opts.endSeconds }, dataDir: join(staging, String(i)), ...(opts.signal !== undefined ? { signal: opts.signal } : {}) })),
    );
    for (const [i, r] of results.entries()) {
      const dir = join(staging, String(i));
      for (const e of await readdir(dir)) {
        if (!/^[0-9A-Z]{26}$/.test(e)) continue;
        await rename(join(dir, e), join(opts.dataDir, e));
      }
      blocks += r.blocks.length;
      samples += r.input.samples;
      if (r.scenario !== undefined) {
        scenarios.push(r.scenario);
        opts.info(`${r.scenario.name}: ${r.input.samples} samples, ${r.blocks.length} blocks — ${r.scenario.description}`);
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }

  let prom: RunningPrometheus = await startPrometheus({ dataDir: opts.dataDir });
  try {
    opts.signal?.throwIfAborted();
    const levels = await backfillRecordingRules({
      groups: opts.ruleGroups,
      prometheusUrl: () => prom.url,
      dataDir: opts.dataDir,
      startSeconds: opts.endSeconds - opts.recordedSeconds,
      endSeconds: opts.endSeconds,
      reload: async () => {
        await prom.stop();
        prom = await startPrometheus({ dataDir: opts.dataDir });
      },
      onProgress: opts.info,
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    });
    return { scenarios, samples, blocks, levels };
  } finally {
    await prom.stop();
  }
}
