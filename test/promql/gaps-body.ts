/**
 * The gap matrix (docs/counting.md, issue 14): the project's count over scrape gaps of 2m, 11m, 1h, 3h and 1d, inside
 * the window, straddling its start and straddling its end, for four series kinds — long-lived, born in the window
 * (inside the gap), reset in the window (a collector restart inside the gap) and a zero-tolerance counter whose only
 * failure is old — in both flavours: the rules' (5m blocks that partition time) and the gate's (strict window start).
 * Expected counts are computed here from the generated events and sample times, not from the expression: each sample
 * shows the events since the previous sample of its series (since zero for a new or restarted series), and a window
 * counts the samples it holds. Unknowable cells (a reset inside a gap at the start; for the gate, a series born inside
 * a gap at the start) expect NaN. Every promtool run is one file: each cell is one label set.
 * Also the two measured defects on the generated rules: the post-gap burst and the zero-tolerance re-page.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { prometheusIncrease } from '../../src/backfill/scenario.js';
import { counterIncrease } from '../../src/promql/counter-increase.js';
import { runPromtool } from '../harness/promtool.js';

const PER_MINUTE = 60;
/** Window (minutes) and evaluation time: half a minute off the 1m sample grid. */
const W = 2 * 1440;
const T = 3 * 1440 + 0.5;
const A = T - W;
const N = Math.ceil(T + 720) + 5;
export const GAPS: Record<string, number> = { '2m': 2, '11m': 11, '1h': 60, '3h': 180, '1d': 1440 };
export const POSITIONS = ['inside', 'start', 'end'] as const;
export const KINDS = ['long', 'born', 'reset', 'zero'] as const;
type Position = (typeof POSITIONS)[number];
type Kind = (typeof KINDS)[number];

/** [first missing minute, first minute sampled again) of a cell's gap. */
function gapOf(len: number, pos: Position): [number, number] {
  const from = pos === 'inside' ? Math.ceil(A + 360) : pos === 'start' ? Math.ceil(A - len / 2) : Math.ceil(T - len / 2);
  return [from, from + len];
}

/** Counter value at minute m (undefined: the series does not exist yet), from the events of the kind. */
function valueAt(kind: Kind, gap: [number, number], m: number): number | undefined {
  const mid = Math.floor((gap[0] + gap[1]) / 2);
  switch (kind) {
    case 'long':
      return PER_MINUTE * m;
    case 'born':
      // Created inside the gap by its first events: its first sample after the gap carries them all.
      return m < mid ? undefined : PER_MINUTE * (m - mid + 1);
    case 'reset':
      // The collector restarts inside the gap: the counter starts again from zero.
      return m < mid ? PER_MINUTE * m : PER_MINUTE * (m - mid + 1);
    case 'zero':
      return m < 10 ? 0 : 1;
  }
}

export interface Cell {
  readonly gap: string;
  readonly position: Position;
  readonly kind: Kind;
  readonly samples: [number, number][];
  readonly probe: [number, number][];
}

export function cells(): Cell[] {
  const out: Cell[] = [];
  for (const [gap, len] of Object.entries(GAPS)) {
    for (const position of POSITIONS) {
      const g = gapOf(len, position);
      const sampled = (kind: Kind): [number, number][] => {
        const s: [number, number][] = [];
        for (let m = 0; m < N; m++) {
          const v = valueAt(kind, g, m);
          if (v !== undefined && (m < g[0] || m >= g[1])) s.push([m, v]);
        }
        return s;
      };
      for (const kind of KINDS) out.push({ gap, position, kind, samples: sampled(kind), probe: sampled('long') });
    }
  }
  return out;
}

/**
 * The expected count from the events: each sample in (A, T] shows the events since its series' previous sample
 * (from zero for a new series, or after a drop: a restart). NaN where the design says unknowable; undefined (no
 * sample, no data) when the window holds no sample of the series.
 */
export function expectedCount(c: Cell, flavour: 'rules' | 'gate'): number | undefined {
  const inWindow = c.samples.filter(([m]) => m > A && m <= T);
  const before = c.samples.filter(([m]) => m <= A);
  const prev = before.at(-1);
  const probeNearStart = c.probe.some(([m]) => m <= A && m > A - 5);
  const probeInReach = c.probe.some(([m]) => m <= A && m > A - 1440);
  if (inWindow.length === 0) return undefined;
  const first = inWindow[0] as [number, number];
  if (prev !== undefined && first[1] < prev[1] && !before.some(([m]) => m > A - 5)) return NaN;
  if (prev === undefined && first[1] > 0 && !(flavour === 'gate' ? probeNearStart : probeInReach)) return NaN;
  let sum = 0;
  let last = prev?.[1] ?? 0;
  for (const [, v] of inWindow) {
    sum += v >= last ? v - last : v;
    last = v;
  }
  return sum;
}

/** What the expression gives: the expected count, or Prometheus' increase() estimate where the window holds a reset. */
export function promisedCount(c: Cell, flavour: 'rules' | 'gate'): number | undefined {
  const exact = expectedCount(c, flavour);
  if (exact === undefined) return undefined;
  const inWindow = c.samples.filter(([m]) => m > A && m <= T).map(([, v]) => v);
  const prev = c.samples.filter(([m]) => m <= A).at(-1)?.[1];
  const dropped = inWindow.some((v, i) => v < (i === 0 ? (prev ?? 0) : (inWindow[i - 1] as number)));
  if (Number.isNaN(exact) || !dropped) return exact;
  return prometheusIncrease(c.samples.map(([m, v]) => [m * 60, v] as const), T * 60, W * 60) ?? NaN;
}

/** promtool's expanding notation: runs of equal steps as `a+bxn`, gaps as `_xn`. */
export function promtoolValues(samples: readonly [number, number][], n: number): string {
  const byMinute = new Map(samples);
  const parts: string[] = [];
  let m = 0;
  while (m < n) {
    const v = byMinute.get(m);
    if (v === undefined) {
      let k = m;
      while (k < n && !byMinute.has(k)) k++;
      parts.push(k - m === 1 ? '_' : `_x${String(k - m)}`);
      m = k;
      continue;
    }
    const next = byMinute.get(m + 1);
    if (next === undefined) {
      parts.push(String(v));
      m++;
      continue;
    }
    const step = next - v;
    let k = m + 1;
    while (byMinute.get(k + 1) !== undefined && (byMinute.get(k + 1) as number) - (byMinute.get(k) as number) === step) k++;
    parts.push(`${String(v)}${step >= 0 ? '+' : ''}${String(step)}x${String(k - m)}`);
    m = k + 1;
  }
  return parts.join(' ');
}

const at = (minutes: number): string => `${String(Math.floor(minutes))}m${String(Math.round((minutes % 1) * 60))}s`;
const sel = (c: Cell, kind: string): string => `c{gap="${c.gap}",pos="${c.position}",kind="${kind}"}`;

/** The promtool-evaluated gap matrix and the two defects on the generated rules, with `promtool` (`label`: its version). */
export function defineGapPromtoolTests(label: string, promtool: () => string, root: string): void {
  describe(`gap matrix evaluated by promtool ${label}`, () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'agent-slo-gaps-'));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('every cell counts what the events say, NaN where unknowable (rules and gate flavours)', async () => {
      const all = cells();
      const input_series = all.map((c) => ({ series: sel(c, c.kind), values: promtoolValues(c.samples, N) }));
      const tests = all.flatMap((c) =>
        (['rules', 'gate'] as const).map((flavour) => {
          const probe = c.kind === 'long' ? undefined : sel(c, 'long');
          const expr = counterIncrease(sel(c, c.kind), `${String(W / 60)}h`, { ...(probe !== undefined ? { probe } : {}), ...(flavour === 'gate' ? { strictStart: true } : {}) });
          const want = promisedCount(c, flavour);
          if (want === undefined) return { expr, eval_time: at(T), exp_samples: [] };
          return Number.isNaN(want)
            ? { expr: `${expr} != bool ${expr}`, eval_time: at(T), exp_samples: [{ labels: '{}', value: 1 }] }
            : { expr, eval_time: at(T), exp_samples: [{ labels: '{}', value: want }] };
        }),
      );
      const file = join(dir, 'matrix.test.yaml');
      await writeFile(file, stringify({ rule_files: [], evaluation_interval: '1m', tests: [{ interval: '1m', input_series, promql_expr_test: tests }] }, { lineWidth: 0 }));
      const r = await runPromtool(['test', 'rules', file], dir, promtool());
      expect(r.out).toContain('SUCCESS');
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });

    it('runtime-v1 tool_success_rate, Prometheus down 20 minutes while the runtime counts: no lifetime burst, an exact 1d count, no alert', async () => {
      // 60 calls a minute, 1 in 60 failing; no samples (and no rule evaluations that see any) for minutes 181..200.
      const gap = (m: number) => m >= 181 && m < 201;
      const vals = (f: (m: number) => number) => promtoolValues(Array.from({ length: 300 }, (_, m) => [m, f(m)] as [number, number]).filter(([m]) => !gap(m)), 300);
      const file = join(dir, 'burst.test.yaml');
      const rate = 'agent_slo:component:rate5m{slo_profile="runtime-v1",slo_objective="tool_success_rate",slo_component="total"}';
      const events = (w: string) => `agent_slo:events{slo_profile="runtime-v1",slo_objective="tool_success_rate",slo_window="${w}"}`;
      await writeFile(
        file,
        stringify({
          rule_files: [join(root, 'rules', 'runtime-v1', 'rules.yaml')],
          // promtool evaluates every group at evaluation_interval: the group's own 5m.
          evaluation_interval: '5m',
          tests: [
            {
              interval: '1m',
              input_series: [
                { series: 'gen_ai_execute_tool_duration_count', values: vals((m) => 59 * m) },
                { series: 'gen_ai_execute_tool_duration_count{error_type="test_error"}', values: vals((m) => m) },
              ],
              promql_expr_test: [
                // The group runs every 5m (1d alert window). The block right after the gap holds the 20 gap minutes +
                // its own 5 (1500 calls over 300 s: 5/s), not the series' lifetime (the old count: 25/s).
                { expr: rate, eval_time: '205m', exp_samples: [{ labels: rate, value: 5 }] },
                // The 1d window holds exactly every call so far (60 × 230), the gap's included once.
                { expr: events('1d'), eval_time: '230m', exp_samples: [{ labels: events('1d'), value: 13800 }] },
              ],
              alert_rule_test: ['SLOToolSuccessRateWarning', 'SLOToolSuccessRateCritical'].flatMap((alertname) =>
                [203, 210, 230, 260].map((m) => ({ eval_time: `${String(m)}m`, alertname, exp_alerts: [] })),
              ),
            },
          ],
        }),
      );
      const r = await runPromtool(['test', 'rules', file], dir, promtool());
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });

    it('kokino data_integrity: one failure at minute 100, a 20-minute scrape gap from minute 181 → paged once, not again after the gap', async () => {
      const gap = (m: number) => m >= 181 && m < 201;
      const vals = (f: (m: number) => number) => promtoolValues(Array.from({ length: 260 }, (_, m) => [m, f(m)] as [number, number]).filter(([m]) => !gap(m)), 260);
      const file = join(dir, 'repage.test.yaml');
      await writeFile(
        file,
        stringify({
          rule_files: [join(root, 'rules', 'kokino', 'rules.yaml')],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: [
                { series: 'agent_integrity_failures_total', values: vals((m) => (m < 100 ? 0 : 1)) },
                { series: 'agent_conversations_total', values: vals((m) => 1000 * m) },
              ],
              // Firing at 102m (the failure), never again after the gap (the old count paged again at 203m).
              promql_expr_test: [102, 203, 205, 210, 240].map((m) => ({
                expr: 'count(ALERTS{alertname="SLODataIntegrityViolation",alertstate="firing"})',
                eval_time: `${String(m)}m`,
                exp_samples: m === 102 ? [{ labels: '{}', value: 1 }] : [],
              })),
            },
          ],
        }),
      );
      const r = await runPromtool(['test', 'rules', file], dir, promtool());
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });
  });
}
