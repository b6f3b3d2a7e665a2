/**
 * Recorded-series backfill into a Prometheus that is running and already has the raw history (`agent-slo backfill
 * rules`): the levels of import-rules.ts, each level's blocks moved into its data directory, then a wait until
 * Prometheus serves them (it loads new blocks from disk about once a minute) before the next level reads them.
 * Samples that the live rules already recorded are never backfilled again: two samples per interval would double
 * the long-window sums.
 */
import type { RuleGroup } from '../generate/prometheus/rule-types.js';
import { escapePromqlString, escapeRegex } from '../escape.js';
import { backfillRecordingRules, recordingRuleLevels, type RuleLevelResult } from './import-rules.js';

/** An instant query answering a vector: the values of its samples. */
export type VectorQuery = (expr: string, atSeconds: number) => Promise<number[]>;

/** The live rules already recorded samples inside the span to backfill (backfill up to the first of them). */
export class RecordedOverlapError extends Error {
  override readonly name = 'RecordedOverlapError';
  constructor(readonly firstSampleSeconds: number) {
    super(`the recorded series already have samples from ${new Date(firstSampleSeconds * 1000).toISOString()} (the live rules): backfill up to that time, not past it`);
  }
}

/** Prometheus did not serve a level's recorded series within the wait. */
export class LevelNotLoadedError extends Error {
  override readonly name = 'LevelNotLoadedError';
}

const nameRegex = (names: readonly string[]): string => names.map(escapeRegex).join('|');

/** The recorded names the groups' recording rules write. */
export function recordedNames(groups: readonly RuleGroup[]): string[] {
  return [...new Set(recordingRuleLevels(groups).flatMap((l) => l.records))];
}

/**
 * The exact time of the earliest sample of any of `records` in (from, to], or undefined: where the live rules
 * started (timestamp() inside a 1m subquery returns the sample's own time).
 */
export async function firstRecordedSample(query: VectorQuery, records: readonly string[], fromSeconds: number, toSeconds: number): Promise<number | undefined> {
  const range = Math.max(60, Math.ceil(toSeconds - fromSeconds));
  // timestamp() drops the metric name: keep it as a label, or two records with equal labels would collide.
  const named = `label_replace({__name__=~"${escapePromqlString(nameRegex(records))}"}, "agent_slo_record", "$1", "__name__", "(.+)")`;
  const expr = `min(min_over_time(timestamp(${named})[${range}s:1m]))`;
  const values = await query(expr, toSeconds);
  return values.filter((v) => Number.isFinite(v) && v > fromSeconds).sort((a, b) => a - b)[0];
}

export interface LiveRuleBackfillOptions {
  readonly groups: readonly RuleGroup[];
  readonly prometheusUrl: string;
  readonly dataDir: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly query: VectorQuery;
  /** How long to wait for Prometheus to load each level's blocks (it reloads about once a minute). */
  readonly waitMs: number;
  readonly promtool?: string;
  readonly maxLevel?: number;
  readonly onProgress: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Poll interval while waiting (tests shorten it). */
  readonly pollMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    }, { once: true });
  });

/**
 * Waits until Prometheus answers `records` with data in the 2 hours before `atSeconds` (the blocks just moved in are
 * loaded): a range, not an instant, because the hourly roll-up has one sample an hour.
 */
async function waitForLevel(opts: LiveRuleBackfillOptions, level: number, records: readonly string[], atSeconds: number): Promise<void> {
  const started = Date.now();
  const expr = `count(last_over_time({__name__=~"${escapePromqlString(nameRegex(records))}"}[2h]))`;
  let reported = 0;
  for (;;) {
    const [n] = await opts.query(expr, atSeconds);
    if (n !== undefined && n > 0) {
      opts.onProgress(`level ${level}: Prometheus serves the backfilled series (after ${Math.round((Date.now() - started) / 1000)} s)`);
      return;
    }
    const waited = Date.now() - started;
    if (waited > opts.waitMs) {
      throw new LevelNotLoadedError(
        `level ${level}: Prometheus did not serve the backfilled series within ${Math.round(opts.waitMs / 1000)} s; is --data-dir the --storage.tsdb.path of the Prometheus at ${opts.prometheusUrl}? (the blocks are in place: the next run continues with the next level only after they load)`,
      );
    }
    if (waited - reported >= 15_000) {
      reported = waited;
      opts.onProgress(`level ${level}: waiting for Prometheus to load the new blocks (${Math.round(waited / 1000)} s; it checks its data directory about once a minute)`);
    }
    await sleep(opts.pollMs ?? 2000, opts.signal);
  }
}

/** Refuses an overlap with live recordings, then backfills every level into the running Prometheus. */
export async function backfillRulesIntoLive(opts: LiveRuleBackfillOptions): Promise<RuleLevelResult[]> {
  const levels = recordingRuleLevels(opts.groups).filter((l) => opts.maxLevel === undefined || l.level <= opts.maxLevel);
  const first = await firstRecordedSample(opts.query, recordedNames(opts.groups), opts.startSeconds, opts.endSeconds);
  if (first !== undefined) throw new RecordedOverlapError(first);
  const probeAt = opts.endSeconds - 60;
  return backfillRecordingRules({
    groups: opts.groups,
    prometheusUrl: () => opts.prometheusUrl,
    dataDir: opts.dataDir,
    startSeconds: opts.startSeconds,
    endSeconds: opts.endSeconds,
    reload: async (level) => waitForLevel(opts, level, levels.find((l) => l.level === level)?.records ?? [], probeAt),
    onProgress: opts.onProgress,
    ...(opts.promtool !== undefined ? { promtool: opts.promtool } : {}),
    ...(opts.maxLevel !== undefined ? { maxLevel: opts.maxLevel } : {}),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
  });
}
