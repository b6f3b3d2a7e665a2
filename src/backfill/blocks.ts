/**
 * Turns OpenMetrics text into TSDB blocks with `promtool tsdb create-blocks-from openmetrics`.
 *
 * Notes for callers:
 * - Timestamps are seconds. Any timestamp in the future (typically a milliseconds mistake) is refused here.
 * - Do not backfill the last 3 hours: that range belongs to Prometheus' head block; keep backfilled data older.
 * - Start Prometheus with a long retention (the launcher defaults to 400d), or old blocks are deleted at start.
 * - `--max-block-duration=24h` (the default here) makes long imports much faster than 2h blocks.
 */
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface CreateBlocksOptions {
  /** OpenMetrics text, or `{ file }` naming a file with it. */
  openMetrics: string | { file: string };
  /** Output directory (a Prometheus `--storage.tsdb.path`); created when missing. */
  dataDir: string;
  /** `--max-block-duration`, default '24h'. */
  maxBlockDuration?: string;
  /** promtool binary, default `promtool` on PATH. */
  promtool?: string;
  /** Called with each output line of promtool (one line per created block). */
  onProgress?: (line: string) => void;
  /** "Now" in milliseconds for the future-timestamp check (default Date.now()). */
  nowMs?: number;
  /** Aborting kills promtool (SIGTERM) and rejects with the AbortError; temporary files are removed. */
  signal?: AbortSignal;
}

export interface CreatedBlock {
  ulid: string;
  minTimeMs: number;
  maxTimeMs: number;
  numSamples: number;
  numSeries: number;
}

export interface CreateBlocksResult {
  blocks: CreatedBlock[];
  /** What the input held (sample count, time range in seconds). */
  input: OpenMetricsInputStats;
  /** promtool's combined output. */
  output: string;
  durationMs: number;
}

/** promtool failed, or the input was refused before running it. `output` holds promtool's output when it ran. */
export class BackfillError extends Error {
  override readonly name = 'BackfillError';
  constructor(
    readonly reason: string,
    readonly output = '',
    readonly line?: number,
  ) {
    super(`${reason}${line !== undefined ? ` (input line ${line})` : ''}${output ? `\n--- promtool output ---\n${output}` : ''}`);
  }
}

/** Reads the timestamp of an OpenMetrics sample line (seconds), or undefined when the line has none. */
export function sampleTimestamp(line: string): number | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  let rest = line;
  const brace = line.indexOf('{');
  const firstSpace = line.indexOf(' ');
  if (brace !== -1 && (firstSpace === -1 || brace < firstSpace)) {
    // Skip the label block, honouring escapes inside quoted values.
    let i = brace + 1;
    let inQuote = false;
    for (; i < line.length; i++) {
      const c = line[i];
      if (inQuote) {
        if (c === '\\') i++;
        else if (c === '"') inQuote = false;
      } else if (c === '"') inQuote = true;
      else if (c === '}') break;
    }
    rest = line.slice(i + 1);
  } else {
    rest = firstSpace === -1 ? '' : line.slice(firstSpace);
  }
  const exemplar = rest.indexOf(' # ');
  if (exemplar !== -1) rest = rest.slice(0, exemplar);
  const tokens = rest.trim().split(/\s+/);
  if (tokens.length < 2) return undefined;
  const ts = Number(tokens[1]);
  return Number.isNaN(ts) ? undefined : ts;
}

async function* inputLines(input: CreateBlocksOptions['openMetrics']): AsyncGenerator<string> {
  if (typeof input === 'string') {
    yield* input.split('\n');
    return;
  }
  const rl = createInterface({ input: createReadStream(input.file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

export interface OpenMetricsInputStats {
  /** Sample lines (with or without timestamp). */
  samples: number;
  minTimestampSeconds?: number;
  maxTimestampSeconds?: number;
}

/** Checks `# EOF` and that no timestamp lies in the future; throws BackfillError naming the line. */
export async function checkOpenMetricsInput(
  input: CreateBlocksOptions['openMetrics'],
  nowMs = Date.now(),
): Promise<OpenMetricsInputStats> {
  const nowSeconds = nowMs / 1000;
  const stats: OpenMetricsInputStats = { samples: 0 };
  let lineNo = 0;
  let last = '';
  for await (const line of inputLines(input)) {
    lineNo++;
    if (line.trim() !== '') last = line.trim();
    if (line.trim() !== '' && !line.startsWith('#')) stats.samples++;
    const ts = sampleTimestamp(line);
    if (ts !== undefined) {
      stats.minTimestampSeconds = Math.min(stats.minTimestampSeconds ?? ts, ts);
      stats.maxTimestampSeconds = Math.max(stats.maxTimestampSeconds ?? ts, ts);
    }
    if (ts !== undefined && ts > nowSeconds) {
      const hint = ts > 1e11 ? ' — it looks like milliseconds; OpenMetrics timestamps are seconds' : '';
      throw new BackfillError(
        `timestamp ${ts} is in the future (now is ${Math.floor(nowSeconds)})${hint}`,
        '',
        lineNo,
      );
    }
  }
  if (last !== '# EOF') throw new BackfillError('OpenMetrics input must end with "# EOF" (promtool requires it)');
  return stats;
}

interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats?: { numSamples?: number; numSeries?: number };
}

async function listBlocks(dir: string): Promise<Map<string, CreatedBlock>> {
  const blocks = new Map<string, CreatedBlock>();
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return blocks;
  }
  for (const entry of entries) {
    try {
      const meta = JSON.parse(await readFile(join(dir, entry, 'meta.json'), 'utf8')) as BlockMeta;
      blocks.set(entry, {
        ulid: meta.ulid,
        minTimeMs: meta.minTime,
        maxTimeMs: meta.maxTime,
        numSamples: meta.stats?.numSamples ?? 0,
        numSeries: meta.stats?.numSeries ?? 0,
      });
    } catch {
      // not a block
    }
  }
  return blocks;
}

/** A spawn failure as a BackfillError (promtool missing: how to install it); an abort stays the AbortError. */
export function spawnError(command: string, err: NodeJS.ErrnoException): Error {
  if (err.name === 'AbortError') return err;
  return new BackfillError(err.code === 'ENOENT' ? `${command} not found on PATH (install the prometheus package)` : err.message);
}

/** The major version `promtool --version` reports (e.g. 2 for Debian's 2.42, 3 for 3.16); BackfillError when it cannot run. */
export async function promtoolMajorVersion(command: string): Promise<number | undefined> {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(command, ['--version'], { timeout: 30_000, maxBuffer: 64 * 1024 }, (err, stdout, stderr) => {
      if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(spawnError(command, err as NodeJS.ErrnoException));
      else resolve(`${stdout}${stderr}`);
    });
  });
  const m = /version (\d+)\./.exec(out);
  return m === null ? undefined : Number(m[1]);
}

/** Runs promtool over the input and returns the blocks it created in `dataDir`. */
export async function createBlocks(opts: CreateBlocksOptions): Promise<CreateBlocksResult> {
  const started = Date.now();
  opts.signal?.throwIfAborted();
  const stats = await checkOpenMetricsInput(opts.openMetrics, opts.nowMs);
  await mkdir(opts.dataDir, { recursive: true });
  const before = await listBlocks(opts.dataDir);

  let tempDir: string | undefined;
  let inputFile: string;
  if (typeof opts.openMetrics === 'string') {
    tempDir = await mkdtemp(join(tmpdir(), 'agent-slo-backfill-'));
    inputFile = join(tempDir, 'input.om');
    await writeFile(inputFile, opts.openMetrics, 'utf8');
  } else {
    inputFile = opts.openMetrics.file;
  }

  try {
    const args = [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      `--max-block-duration=${opts.maxBlockDuration ?? '24h'}`,
      inputFile,
      opts.dataDir,
    ];
    const command = opts.promtool ?? 'promtool';
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.signal !== undefined ? { signal: opts.signal } : {}) });
      child.once('error', (err: NodeJS.ErrnoException) => reject(spawnError(command, err)));
      for (const stream of [child.stdout, child.stderr]) {
        const rl = createInterface({ input: stream, crlfDelay: Infinity });
        rl.on('line', (line) => {
          output.push(line);
          opts.onProgress?.(line);
        });
      }
      child.once('close', (c) => resolve(c));
    });
    const text = output.join('\n');
    if (code !== 0) throw new BackfillError(`promtool exited with code ${String(code)}`, text);
    const after = await listBlocks(opts.dataDir);
    const blocks = [...after.entries()]
      .filter(([name]) => !before.has(name))
      .map(([, b]) => b)
      .sort((a, b) => a.minTimeMs - b.minTimeMs);
    const written = blocks.reduce((n, b) => n + b.numSamples, 0);
    if (written !== stats.samples) {
      throw new BackfillError(
        `promtool wrote ${written} of ${stats.samples} samples; the rest were dropped ` +
          '(out-of-order or duplicate timestamps within a series, or samples without a timestamp)',
        text,
      );
    }
    return { blocks, input: stats, output: text, durationMs: Date.now() - started };
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}
