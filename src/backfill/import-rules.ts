/**
 * Recorded series for history: `promtool tsdb create-blocks-from rules`, one rule level at a time (each level loaded
 * through the caller's `reload` before the next), each group's rule file at a path whose phase leaves no hole.
 * Why levels and paths: docs/gate.md, "Backfilling recorded history without holes".
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promDuration } from '../format.js';
import { isAlertingRule, readOverRange, type RecordingRule, type RuleGroup } from '../generate/prometheus/rule-types.js';
import { renderRuleFile } from '../generate/prometheus/rules-file.js';
import { BackfillError, spawnError } from './blocks.js';
import { safeRuleFilePath } from './group-phase.js';

export interface RuleLevel {
  /** 1 = reads only raw series. */
  readonly level: number;
  readonly groups: readonly RuleGroup[];
  readonly rules: number;
  readonly records: readonly string[];
}

const NAME_CHARS = /[a-zA-Z0-9_:]/;

/** True when `expr` mentions metric `name` as a whole token. */
export function mentions(expr: string, name: string): boolean {
  let from = 0;
  for (;;) {
    const i = expr.indexOf(name, from);
    if (i === -1) return false;
    const before = i === 0 ? '' : (expr[i - 1] ?? '');
    const after = expr[i + name.length] ?? '';
    if (!NAME_CHARS.test(before) && !NAME_CHARS.test(after)) return true;
    from = i + 1;
  }
}

/**
 * Splits the recording rules of `groups` into levels (pure): a rule's level is one more than the highest level of
 * the recorded names its expression reads (0 for raw series). Alerting rules are dropped (promtool ignores them).
 */
export function recordingRuleLevels(groups: readonly RuleGroup[]): RuleLevel[] {
  const recording: { group: RuleGroup; rule: RecordingRule }[] = [];
  for (const g of groups) for (const r of g.rules) if (!isAlertingRule(r)) recording.push({ group: g, rule: r });
  const names = [...new Set(recording.map((r) => r.rule.record))];
  const nameLevel = new Map<string, number>(names.map((n) => [n, 0]));
  const ruleLevel = new Map<RecordingRule, number>();
  for (let pass = 0; pass <= recording.length; pass++) {
    let changed = false;
    for (const { rule } of recording) {
      // A rule reading its own earlier samples (the gap markers: sli/gap-marker.ts) does not wait for itself.
      const deps = names.filter((n) => n !== rule.record && mentions(rule.expr, n));
      const level = 1 + Math.max(0, ...deps.map((n) => nameLevel.get(n) ?? 0));
      if (ruleLevel.get(rule) !== level) {
        ruleLevel.set(rule, level);
        changed = true;
      }
      if ((nameLevel.get(rule.record) ?? 0) < level) {
        nameLevel.set(rule.record, level);
        changed = true;
      }
    }
    if (!changed) break;
    if (pass === recording.length) throw new Error('recording rules read each other in a cycle');
  }
  const max = Math.max(0, ...ruleLevel.values());
  const levels: RuleLevel[] = [];
  for (let level = 1; level <= max; level++) {
    const out: RuleGroup[] = [];
    for (const g of groups) {
      const rules = g.rules.filter((r): r is RecordingRule => !isAlertingRule(r) && ruleLevel.get(r) === level);
      if (rules.length > 0) out.push({ name: g.name, intervalSeconds: g.intervalSeconds, rules });
    }
    const all = out.flatMap((g) => g.rules as RecordingRule[]);
    levels.push({ level, groups: out, rules: all.length, records: [...new Set(all.map((r) => r.record))] });
  }
  return levels;
}

export interface RuleBackfillOptions {
  /** The rule groups (as generated); only recording rules are used. */
  readonly groups: readonly RuleGroup[];
  /** Prometheus holding the raw history (and, after each reload, the levels done so far). */
  prometheusUrl(): string;
  /** Prometheus' `--storage.tsdb.path`: each level's blocks are moved here. */
  readonly dataDir: string;
  /** Seconds since the epoch. */
  readonly startSeconds: number;
  readonly endSeconds: number;
  /**
   * Levels above 1 read long windows of level 1 and are costly over long histories: backfill them from this time
   * (default: startSeconds) and at this interval (default: the group interval, 1m).
   */
  readonly higherLevels?: { readonly startSeconds?: number; readonly intervalSeconds?: number };
  /** Called after each level's blocks are in `dataDir` (restart or reload Prometheus so the next level sees them). */
  reload(level: number): Promise<void>;
  readonly promtool?: string;
  readonly onProgress?: (line: string) => void;
  /** Highest level to backfill (default all). */
  readonly maxLevel?: number;
  /** Aborting kills the running promtool processes and rejects with the AbortError; the work dir is removed. */
  readonly signal?: AbortSignal;
}

export interface RuleLevelResult {
  readonly level: number;
  readonly rules: number;
  readonly records: readonly string[];
  readonly blocks: number;
  readonly startSeconds: number;
  readonly intervalSeconds: number | undefined;
  readonly durationMs: number;
}

function runPromtool(command: string, args: readonly string[], onLine: (line: string) => void, signal?: AbortSignal): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(signal !== undefined ? { signal } : {}) });
    const lines: string[] = [];
    child.once('error', (err: NodeJS.ErrnoException) => reject(spawnError(command, err)));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        onLine(line);
      });
    }
    child.once('close', (code) => resolve({ code, output: lines.join('\n') }));
  });
}

/** Backfills the recording rules level by level; returns what each level did. */
export async function backfillRecordingRules(opts: RuleBackfillOptions): Promise<RuleLevelResult[]> {
  const progress = opts.onProgress ?? (() => undefined);
  const levels = recordingRuleLevels(opts.groups).filter((l) => opts.maxLevel === undefined || l.level <= opts.maxLevel);
  const results: RuleLevelResult[] = [];
  // Beside the data dir, so moving blocks in is a rename on the same file system.
  const work = await mkdtemp(join(dirname(opts.dataDir), '.agent-slo-rules-backfill-'));
  // One rule-file path per group for every level: the path sets the evaluation phase, so every level of a group is
  // evaluated at the same timestamps and a rule reading an earlier level in the same evaluation (the SLI divides by
  // the events) finds that level's sample at its own timestamp, as in a live group.
  const paths = new Map<string, string>();
  const recording = opts.groups.flatMap((g) => g.rules.filter((r): r is RecordingRule => !isAlertingRule(r)));
  const rangeRead = readOverRange(
    recording.map((r) => r.record),
    recording.map((r) => r.expr),
  );
  const pathOf = (g: RuleGroup): string => {
    let path = paths.get(g.name);
    if (path === undefined) {
      const intervals = [g.intervalSeconds, ...(opts.higherLevels?.intervalSeconds === undefined ? [] : [opts.higherLevels.intervalSeconds])];
      const base = `group-${String(paths.size)}`;
      path = safeRuleFilePath(g.name, intervals, (n) => join(work, `${base}${n === 0 ? '' : `-${String(n)}`}.yaml`));
      paths.set(g.name, path);
    }
    return path;
  };
  try {
    for (const level of levels) {
      opts.signal?.throwIfAborted();
      const started = Date.now();
      const higher = level.level > 1 ? opts.higherLevels : undefined;
      const start = Math.max(opts.startSeconds, higher?.startSeconds ?? opts.startSeconds);
      const interval = higher?.intervalSeconds;
      // A series later rules read over a range (the 5m rates, the hourly roll-up) needs its whole history at the
      // group's own interval; the others only the span asked for (higherLevels).
      const needsHistory = (r: RecordingRule): boolean => higher !== undefined && rangeRead.has(r.record);
      const passes = [
        { name: 'history', start: opts.startSeconds, interval: undefined, groups: level.groups.map((g) => ({ ...g, rules: g.rules.filter((r) => needsHistory(r as RecordingRule)) })) },
        { name: '', start, interval, groups: level.groups.map((g) => ({ ...g, rules: g.rules.filter((r) => !needsHistory(r as RecordingRule)) })) },
      ].map((p) => ({ ...p, groups: p.groups.filter((g) => g.rules.length > 0) }));
      progress(`level ${level.level}: ${level.rules} rules (${level.records.join(', ')}) in ${level.groups.length} groups from ${new Date(start * 1000).toISOString()}${interval !== undefined ? ` every ${promDuration(interval)}` : ''}`);
      const outs: string[] = [];
      for (const pass of passes) {
        // One promtool per group, concurrently: promtool writes one block per rule and 2h, and block writes dominate.
        outs.push(
          ...(await Promise.all(
            pass.groups.map(async (group, gi) => {
              const g = pass.interval === undefined ? group : { ...group, intervalSeconds: pass.interval };
              // The path sets the group's evaluation phase: one promtool keeps every evaluation with (group-phase.ts).
              const file = pathOf(group);
              const text = renderRuleFile([`level ${level.level} of the generated recording rules (backfill only)`], [g]);
              await writeFile(file, text, 'utf8');
              const out = join(work, `out-${level.level}-${pass.name}${gi}`);
              const args = ['tsdb', 'create-blocks-from', 'rules', '--quiet', `--url=${opts.prometheusUrl()}`, `--start=${String(pass.start)}`, `--end=${String(opts.endSeconds)}`, `--output-dir=${out}`, file];
              const r = await runPromtool(opts.promtool ?? 'promtool', args, () => undefined, opts.signal);
              if (r.code !== 0) throw new BackfillError(`promtool create-blocks-from rules (level ${level.level}, group ${group.name}) exited with code ${String(r.code)}`, r.output);
              return out;
            }),
          )),
        );
      }
      let blocks = 0;
      for (const out of outs) {
        let entries: string[] = [];
        try {
          entries = await readdir(out);
        } catch {
          entries = [];
        }
        for (const e of entries) {
          if (!/^[0-9A-Z]{26}$/.test(e)) continue;
          await rename(join(out, e), join(opts.dataDir, e));
          blocks++;
        }
      }
      await opts.reload(level.level);
      const result: RuleLevelResult = { level: level.level, rules: level.rules, records: level.records, blocks, startSeconds: start, intervalSeconds: interval, durationMs: Date.now() - started };
      results.push(result);
      progress(`level ${level.level}: ${blocks} blocks in ${(result.durationMs / 1000).toFixed(1)} s`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return results;
}
