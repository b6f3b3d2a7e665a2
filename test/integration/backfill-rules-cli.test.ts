/**
 * `agent-slo backfill rules` against a real running Prometheus (2.42 on PATH) and promtool: raw history first (as a
 * user's Prometheus has it), then the generated recording rules backfilled level by level into the live data
 * directory; each level must be served before the next reads it, every evaluation must be there (no hole at 2h
 * block boundaries), and samples that exist already are never written twice.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPONENT_FROM, COMPONENT_SEEN, LABEL_COMPONENT, RECORD_COMPONENT_ROLLUP } from '../../src/conventions.js';
import { SEEN_EVERY_SECONDS } from '../../src/sli/gap-marker.js';
import { createPrometheusClient } from '../../src/prometheus/client.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { REPO_ROOT, runAgentSloAsync } from '../harness/cli.js';
import { prometheusBinary } from '../harness/stack.js';

const HOUR = 3600;
// On the 2h block grid, more than 3 h ago (outside any head block); 6 h of recorded series crosses 3 boundaries.
const END = Math.floor((Date.now() / 1000 - 5 * HOUR) / (2 * HOUR)) * 2 * HOUR;
const FROM = END - 6 * HOUR;
/**
 * The recording rules of the committed runtime-v1 file per backfill level, derived here from the rule text alone:
 * a rule reading only raw series is level 1, one reading recorded `agent_slo:` series is one above the highest of them.
 */
function rulesByLevel(): { level: number; group: string }[] {
  const doc = parse(readFileSync(join(REPO_ROOT, 'rules', 'runtime-v1', 'rules.yaml'), 'utf8')) as { groups: { name: string; rules: { record?: string; expr: string }[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules.filter((r) => r.record !== undefined).map((r) => ({ group: g.name, record: r.record!, reads: [...new Set(r.expr.match(/agent_slo:[a-z0-9_:]+/g) ?? [])].filter((n) => n !== r.record) })));
  const level = new Map<string, number>();
  for (let pass = 0; pass < 10; pass++)
    for (const r of rules) level.set(r.record, Math.max(level.get(r.record) ?? 1, 1 + Math.max(0, ...r.reads.map((n) => level.get(n) ?? 0))));
  return rules.map((r) => ({ group: r.group, level: 1 + Math.max(0, ...r.reads.map((n) => level.get(n) ?? 0)) }));
}
let work: string;
let dataDir: string;
let prom: RunningPrometheus;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agent-slo-backfill-rules-'));
  dataDir = join(work, 'data');
  const imported = await runAgentSloAsync(['backfill', 'import', '--scenario', 'runtime-v1-healthy', '--data-dir', dataDir, '--end', String(END)], { timeoutMs: 240_000 });
  expect(imported.code, imported.stderr).toBe(0);
  prom = await startPrometheus({ dataDir, binary: prometheusBinary() });
}, 300_000);

afterAll(async () => {
  await prom?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('agent-slo backfill rules (running Prometheus 2.42 + promtool)', () => {
  it('backfills levels 1 and 2 into the live data directory, waiting for each to load; every evaluation is there', async () => {
    const r = await runAgentSloAsync(
      ['backfill', 'rules', '-p', 'runtime-v1', '--prometheus-url', prom.url, '--data-dir', dataDir, '--from', String(FROM), '--to', String(END), '--max-level', '2', '--wait', '3m'],
      { timeoutMs: 480_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const levels = rulesByLevel();
    const level1 = levels.filter((l) => l.level === 1);
    const upTo2 = levels.filter((l) => l.level <= 2).length;
    expect(level1.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(new RegExp(`^level 1: ${String(level1.length)} rules .* in ${String(new Set(level1.map((l) => l.group)).size)} groups from `, 'm'));
    expect(r.stderr).toMatch(/^level 1: Prometheus serves the backfilled series \(after \d+ s\)$/m);
    expect(r.stderr).toMatch(/^level 2: Prometheus serves the backfilled series \(after \d+ s\)$/m);
    expect(r.stdout).toMatch(new RegExp(`^backfilled ${String(upTo2)} recording rules in 2 level\\(s\\) from .*: \\d+ blocks in `, 'm'));

    // A level-2 series (it read level 1 from Prometheus): one sample every 5 minutes, no gap, over the whole span.
    const client = createPrometheusClient({ url: prom.url, timeoutMs: 30_000 });
    try {
      const res = await client.instantQuery(`{__name__=~"agent_slo:.*", slo_objective="tool_success_rate"}[${6 * HOUR}s]`, END);
      expect(res.resultType).toBe('matrix');
      const series = res.resultType === 'matrix' ? res.result : [];
      expect(series.length).toBeGreaterThan(1);
      for (const s of series) {
        const ts = s.samples.map((p) => p.timestamp);
        const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
        if (s.labels.__name__ === RECORD_COMPONENT_ROLLUP) {
          // The hourly roll-up: exactly one sample an hour (the group's first evaluation of each hour), none missed.
          for (const g of gaps) expect(g, `${JSON.stringify(s.labels)}`).toBeCloseTo(HOUR, 3);
          expect(ts[0]! - FROM).toBeLessThan(HOUR + 300);
          expect(END - ts[ts.length - 1]!).toBeLessThan(HOUR);
          continue;
        }
        if (s.labels[LABEL_COMPONENT] === COMPONENT_SEEN) {
          // The gap marker time:seen: one evaluation in every 10 minutes (sli/gap-marker.ts), none missed. No
          // time:from: the backfill has no gap (and a rule reading its own samples sees none in a backfill).
          for (const g of gaps) expect(g, `${JSON.stringify(s.labels)}`).toBeCloseTo(SEEN_EVERY_SECONDS, 3);
          continue;
        }
        expect(s.labels[LABEL_COMPONENT], `${JSON.stringify(s.labels)}`).not.toBe(COMPONENT_FROM);
        expect(Math.max(...gaps), `${JSON.stringify(s.labels)}`).toBeLessThanOrEqual(300.001);
        // Level 2 starts at its first evaluation after level 1's first sample: within two intervals of --from.
        expect(ts[0]! - FROM).toBeLessThan(600);
        expect(END - ts[ts.length - 1]!).toBeLessThan(300);
      }
    } finally {
      await client.close();
    }
  }, 600_000);

  it('never writes a sample twice: a --to past existing recorded samples is refused; without --to it stops where they start (here: nothing left)', async () => {
    const again = await runAgentSloAsync(['backfill', 'rules', '-p', 'runtime-v1', '--prometheus-url', prom.url, '--data-dir', dataDir, '--from', String(FROM), '--to', String(END), '--max-level', '1']);
    expect(again.code, again.stderr).toBe(64);
    expect(again.stderr).toMatch(/the recorded series already have samples from \S+ .*use --to \S+ or omit --to/);
    const auto = await runAgentSloAsync(['backfill', 'rules', '-p', 'runtime-v1', '--prometheus-url', prom.url, '--data-dir', dataDir, '--from', String(FROM), '--max-level', '1']);
    expect(auto.stderr).toMatch(/the live rules started recording at \S+: backfilling up to then/);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/^nothing to backfill: the recorded series already start within 300 s of --from$/m);
  });
});
