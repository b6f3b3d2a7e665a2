/**
 * promtool's rule backfill against the phase model of src/backfill/group-phase.ts, with every promtool users run
 * (describe.each over test/harness/prometheus-servers.ts): Debian's 2.42 (`slicelabels`) in the main vitest project,
 * 3.x built by collector-config/build-prometheus3.sh (`stringlabels`) in the go-built project.
 *
 * 1m groups recording `vector(1)` over ranges around a 2h block boundary B (a day boundary two days ago): the
 * samples promtool writes show the group's phase, and whether the evaluation just before B survived.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupOffsetNs, keepsEveryEvaluation } from '../../src/backfill/group-phase.js';
import { backfillRecordingRules } from '../../src/backfill/import-rules.js';
import type { RuleGroup } from '../../src/generate/prometheus/rule-types.js';
import { renderRuleFile } from '../../src/generate/prometheus/rules-file.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { prometheusServers } from '../harness/prometheus-servers.js';
import { runPromtool } from '../harness/promtool.js';

const DAY = 86_400;
const MINUTE_MS = 60_000;

/** Sample timestamps (ms) per series of the blocks in `dir`, from `promtool tsdb dump`. */
async function dumpTimestamps(promtool: string, dir: string): Promise<Map<string, number[]>> {
  await mkdir(join(dir, 'wal'), { recursive: true }); // dump opens the directory as a TSDB, which has a wal
  const r = await runPromtool(['tsdb', 'dump', dir], dir, promtool);
  expect(r.code, r.out).toBe(0);
  const out = new Map<string, number[]>();
  for (const line of r.out.split('\n')) {
    const m = /^(\{.*\}) \S+ (\d+)$/.exec(line.trim());
    if (m === null) continue;
    const ts = out.get(m[1]!) ?? [];
    ts.push(Number(m[2]));
    out.set(m[1]!, ts);
  }
  for (const ts of out.values()) ts.sort((a, b) => a - b);
  return out;
}

const group = (name: string, record: string): RuleGroup => ({ name, intervalSeconds: 60, rules: [{ record, expr: 'vector(1)' }] });

const servers = await prometheusServers('rule backfill and the group phase');

describe.each(servers)('promtool of $label: rule backfill and the group phase', (server) => {
  const encoding = server.labelsEncoding;
  const promtool = (): string => server.promtool;
  let work: string;
  let prom: RunningPrometheus;
  /** A 2h block boundary (a day boundary two days ago), in seconds. */
  const B = (Math.floor(Date.now() / 1000 / DAY) - 2) * DAY;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'agent-slo-rule-phase-'));
    prom = await startPrometheus({ dataDir: join(work, 'prom') });
  });

  afterAll(async () => {
    await prom?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Backfills one group from `file` over [B − 10m, B + 10m]; returns its sample timestamps (ms). */
  async function backfillOne(file: string, name: string): Promise<number[]> {
    await writeFile(file, renderRuleFile(['phase check'], [group(name, 'phase_check')]), 'utf8');
    const out = `${file}.blocks`;
    const r = await runPromtool(['tsdb', 'create-blocks-from', 'rules', '--quiet', `--url=${prom.url}`, `--start=${B - 600}`, `--end=${B + 600}`, `--output-dir=${out}`, file], work, promtool());
    expect(r.code, r.out).toBe(0);
    const series = [...(await dumpTimestamps(promtool(), out)).values()];
    expect(series).toHaveLength(1);
    return series[0]!;
  }

  it(`writes every evaluation at the phase predicted for ${encoding} (hash of group name and rule-file path)`, async () => {
    for (let n = 0; n < 6; n++) {
      const file = join(work, `phase-${n}.yaml`);
      const ts = await backfillOne(file, 'g1');
      const offsetMs = Number(groupOffsetNs('g1', file, 60, encoding)) / 1e6;
      // The API takes the query start in float seconds and rounds it to the millisecond.
      for (const t of ts) expect(Math.abs((t % MINUTE_MS) - offsetMs), `${file}: sample at ${t}, predicted offset ${offsetMs} ms`).toBeLessThanOrEqual(1);
      if (keepsEveryEvaluation('g1', file, 60)) expect(ts, file).toHaveLength(20);
    }
  });

  it('drops the evaluation in the last second before the block boundary when the phase falls there (the hole is real)', async () => {
    let n = 0;
    const inHole = (f: string): boolean => groupOffsetNs('g1', f, 60, encoding) > 59_001_000_000n;
    while (!inHole(join(work, `hole-${n}.yaml`))) n++;
    const file = join(work, `hole-${n}.yaml`);
    const ts = await backfillOne(file, 'g1');
    const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
    // 20 evaluations lie in the range; the one at B − (60 s − offset) is missing: one 2-minute gap across B.
    expect(ts).toHaveLength(19);
    expect(gaps.filter((g) => g === 2 * MINUTE_MS)).toHaveLength(1);
    const i = gaps.indexOf(2 * MINUTE_MS);
    expect(ts[i]! < B * 1000 && ts[i + 1]! > B * 1000, `gap ${ts[i]}..${ts[i + 1]} around ${B * 1000}`).toBe(true);
  });

  it('backfillRecordingRules keeps every evaluation of 40 1m groups across 4 block boundaries', async () => {
    const groups = Array.from({ length: 40 }, (_, i) => group(`phase-g${i}`, `phase_rec_${i}`));
    const dataDir = join(work, 'recorded');
    await mkdir(dataDir);
    const start = B - 600;
    const end = B + 6 * 3600 + 600;
    await backfillRecordingRules({ groups, prometheusUrl: () => prom.url, dataDir, startSeconds: start, endSeconds: end, reload: () => Promise.resolve(), promtool: promtool() });
    const series = await dumpTimestamps(promtool(), dataDir);
    expect(series.size).toBe(40);
    // (end − start) / 60 s = 380 intervals: 380 evaluations whatever the phase, each one minute after the last.
    for (const [s, ts] of series) {
      expect(ts, s).toHaveLength(380);
      const gaps = new Set(ts.slice(1).map((t, i) => t - ts[i]!));
      expect([...gaps], s).toEqual([MINUTE_MS]);
    }
  });
});
