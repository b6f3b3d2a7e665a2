/**
 * The gap matrix (docs/counting.md, issue 14): scrape gaps of 2m, 11m, 1h, 3h and 1d inside a window (geometry()),
 * straddling its start and straddling its end, for four series kinds — long-lived, born inside the gap, reset inside
 * the gap (a collector restart) and a zero-tolerance counter whose only failure is days old — on both paths:
 * - recorded: the rules' 5m counts (counterIncrease as the generated rules use it, one series per cell, a group
 *   evaluated every 5m) summed over the window exactly as the rules' long windows are (Σ rate × interval);
 * - raw: the gate's strict count over the window, one instant query (one label set per cell, one TSDB).
 * Expected counts come from the generated events and sample times: `observed` (each sample in the window shows the
 * events since the series' previous sample, from zero for a new or restarted series) and `truth` (the events that
 * happened in the window). Each cell's promised value is the independent model prometheusCount
 * (src/backfill/scenario.ts), checked against both. Also the two measured defects on the generated rules: the
 * post-gap lifetime burst and the zero-tolerance re-page. Every promtool run is one file, with every promtool users
 * run (describe.each over test/harness/prometheus-servers.ts: 2.42 in the main project, 3.x in go-built).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { prometheusCount } from '../../src/backfill/scenario.js';
import type { Sample } from '../../src/backfill/openmetrics.js';
import { counterIncrease } from '../../src/promql/counter-increase.js';
import { promDuration } from '../../src/format.js';
import { presenceLookbackSeconds } from '../../src/sli/queries.js';
import { fromExpr, knownCount, markedFrom, seenExpr, windowUnknowable } from '../../src/sli/gap-marker.js';
import { RECORDED_GAP_AT_START, recordedRange, recordedSamplesByObjectiveExpr } from '../../src/sli/recorded.js';
import { COMPONENT_FROM } from '../../src/conventions.js';
import { prometheusServers } from '../harness/prometheus-servers.js';
import { runPromtool } from '../harness/promtool.js';

const PER_MINUTE = 60;
/** Rules: 5m counts evaluated every 5m (blocks that partition time). */
const BLOCK = 5;
const GAPS: Record<string, number> = { '2m': 2, '11m': 11, '1h': 60, '3h': 180, '1d': 1440 };
const POSITIONS = ['inside', 'start', 'end'] as const;
const KINDS = ['long', 'born', 'reset', 'zero'] as const;
type Position = (typeof POSITIONS)[number];
type Kind = (typeof KINDS)[number];
type Path = 'recorded' | 'raw';

/**
 * Per gap length (minutes): the window W (twice the gap, at least 2h), the evaluation time t (the raw path half a
 * minute off the 1m sample grid, the recorded on its 5m grid; an hour of history before the gap at the start) and
 * the samples' span n. Each gap length is one promtool test group, so a short gap reads no long history.
 */
function geometry(len: number, path: Path): { w: number; t: number; n: number } {
  const w = Math.max(120, 2 * len);
  // promtool answers expression tests between evaluation steps from the samples loaded up to the last step: the
  // recorded path's evaluation time lies on its 5m grid, the raw path's file steps every minute.
  const t = Math.ceil((w + len + 60) / BLOCK) * BLOCK + (path === 'raw' ? 0.5 : 0);
  return { w, t, n: Math.ceil(t) + len + 10 };
}

/** [first missing minute, first minute sampled again) of a cell's gap. */
function gapOf(len: number, pos: Position, path: Path): [number, number] {
  const { w, t } = geometry(len, path);
  const a = t - w;
  const from = pos === 'inside' ? Math.ceil(a + (w - len) / 2) : pos === 'start' ? Math.ceil(a - len / 2) : Math.ceil(t - len / 2);
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

interface Cell {
  readonly gap: string;
  readonly position: Position;
  readonly kind: Kind;
  /** Minutes and values. */
  readonly samples: [number, number][];
  /** The objective's denominator (a long-lived series with the same gap): the gate's probe. */
  readonly probe: [number, number][];
  readonly gapMinutes: [number, number];
  /** Window, evaluation time and span (minutes): geometry(). */
  readonly w: number;
  readonly t: number;
  readonly n: number;
}

function cells(path: Path): Cell[] {
  const out: Cell[] = [];
  for (const [gap, len] of Object.entries(GAPS)) {
    const { w, t, n: N } = geometry(len, path);
    for (const position of POSITIONS) {
      const g = gapOf(len, position, path);
      const sampled = (kind: Kind): [number, number][] => {
        const s: [number, number][] = [];
        for (let m = 0; m < N; m++) {
          const v = valueAt(kind, g, m);
          if (v !== undefined && (m < g[0] || m >= g[1])) s.push([m, v]);
        }
        return s;
      };
      for (const kind of KINDS) out.push({ gap, position, kind, samples: sampled(kind), probe: sampled('long'), gapMinutes: g, w, t, n: N });
    }
  }
  return out;
}

const seconds = (s: readonly [number, number][]): Sample[] => s.map(([m, v]) => [m * 60, v] as const);

/** Events that happened in (t − W, t] (the kind's event model, gaps or not). */
function truth(c: Cell): number {
  const { t, w: W } = c;
  const v = (m: number) => valueAt(c.kind, c.gapMinutes, Math.floor(m));
  let sum = 0;
  for (let m = Math.floor(t - W) + 1; m <= Math.floor(t); m++) {
    const now = v(m);
    const prev = v(m - 1);
    if (now !== undefined) sum += prev === undefined || now < prev ? now : now - prev;
  }
  return sum;
}

/** Events first seen in (t − W, t]: each sample shows the events since its series' previous sample (or since zero). */
function observed(c: Cell): number | undefined {
  const { t, w: W } = c;
  const inWindow = c.samples.filter(([m]) => m > t - W && m <= t);
  if (inWindow.length === 0) return undefined;
  let last = c.samples.filter(([m]) => m <= t - W).at(-1)?.[1] ?? 0;
  let sum = 0;
  for (const [, v] of inWindow) {
    sum += v >= last ? v - last : v;
    last = v;
  }
  return sum;
}

/** The gap markers' denominator: the counted series itself (long-lived, or a zero-tolerance counter without population) or the probe. */
function denominator(c: Cell): [number, number][] {
  return c.kind === 'long' || c.kind === 'zero' ? c.samples : c.probe;
}

/**
 * The gap markers (sli/gap-marker.ts) on the 5m grid, modelled from the denominator's sample minutes: time:seen at
 * every evaluation x with x mod 10 = 0 that has a sample in the 10 minutes before its block (x − 15, x − 5] (closed
 * ranges on 2.x), value x − 15; time:from at an evaluation with a sample in the block (x − 5, x] and none before,
 * value the last time:seen within 25h. True when a time:from inside (t − W, t] is older than t − W.
 */
function markedUnknowable(c: Cell, leftOpen: boolean): boolean {
  const minutes = denominator(c).map(([m]) => m);
  const has = (from: number, to: number) => minutes.some((m) => (leftOpen ? m > from : m >= from) && m <= to);
  let seen: number | undefined;
  let seenAt = -Infinity;
  for (let x = 0; x <= c.t; x += BLOCK) {
    const now = has(x - BLOCK, x);
    const before = has(x - BLOCK - 10, x - BLOCK);
    if (now && !before && seen !== undefined && seenAt >= x - 25 * 60 && x > c.t - c.w && seen < c.t - c.w) return true;
    if (before && x % 10 === 0) {
      seen = x - BLOCK - 10;
      seenAt = x;
    }
  }
  return false;
}

/**
 * What the design promises (the model prometheusCount, not PromQL): raw — the gate's strict count over the window;
 * recorded — the sum of the 5m block counts ending in the window (undefined: no block has a sample, or a gap
 * straddling the window's start makes a non-zero sum unknowable: markedUnknowable).
 */
function promised(c: Cell, path: Path, leftOpen: boolean): number | undefined {
  const samples = seconds(c.samples);
  if (path === 'raw') {
    return prometheusCount(samples, c.t * 60, c.w * 60, { leftOpen, strict: true, probe: c.kind === 'long' ? undefined : seconds(c.probe) });
  }
  let sum: number | undefined;
  for (let end = c.t - c.w + BLOCK; end <= c.t; end += BLOCK) {
    // Only the samples a block can read (its window and the 25h reach-back before it): keeps the model fast.
    const near = samples.slice(firstAtOrAfter(samples, (end - BLOCK - 25 * 60 - 1) * 60), firstAtOrAfter(samples, end * 60 + 1));
    const n = prometheusCount(near, end * 60, BLOCK * 60, { leftOpen, lookbackSeconds: 600 });
    if (n !== undefined) sum = (sum ?? 0) + n;
  }
  return sum !== undefined && sum > 0 && markedUnknowable(c, leftOpen) ? undefined : sum;
}

/** Index of the first sample at or after `t` (samples sorted by time). */
function firstAtOrAfter(samples: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as Sample)[0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** promtool's expanding notation: runs of equal steps as `a+bxn`, gaps as `_xn`. */
function promtoolValues(samples: readonly [number, number][], n: number): string {
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
    const step = (byMinute.get(m + 1) ?? NaN) - v;
    let k = m;
    while (byMinute.has(k + 1) && (byMinute.get(k + 1) as number) - (byMinute.get(k) as number) === step) k++;
    parts.push(k === m ? String(v) : `${String(v)}${step >= 0 ? '+' : ''}${String(step)}x${String(k - m)}`);
    m = k + 1;
  }
  return parts.join(' ');
}

const at = (minutes: number): string => `${String(Math.floor(minutes))}m${String(Math.round((minutes % 1) * 60))}s`;
const labels = (c: Cell): string => `gap="${c.gap}",pos="${c.position}",kind="${c.kind}"`;
const RATE = 'cell:rate5m';
const SEEN = 'cell:seen';
const FROM = 'cell:from';
const CELL_LABELS = ['gap', 'pos', 'kind'];

/** One promtool test file: per gap length one test group with the cells' series (one label set each) and checks. */
function matrixFile(path: Path, leftOpen: boolean, ruleFile: string | undefined): object {
  const tests = Object.keys(GAPS).map((gap) => {
    const group = cells(path).filter((c) => c.gap === gap);
    const input_series = group.flatMap((c) => [
      { series: `c{${labels(c)}}`, values: promtoolValues(c.samples, c.n) },
      { series: `probe{${labels(c)}}`, values: promtoolValues(c.probe, c.n) },
    ]);
    const promql_expr_test = group.map((c) => {
      const want = promised(c, path, leftOpen);
      const window = promDuration(c.w * 60);
      const expr =
        path === 'raw'
          ? counterIncrease(`c{${labels(c)}}`, window, promDuration(presenceLookbackSeconds(c.w * 60)), [], { strict: true, probe: c.kind === 'long' ? `c{${labels(c)}}` : `probe{${labels(c)}}` })
          : knownCount(
              `sum(sum_over_time(${RATE}{${labels(c)}}[${recordedRange(c.w * 60)}])) * ${String(BLOCK * 60)}`,
              windowUnknowable(markedFrom(`${FROM}{${labels(c)}}`, recordedRange(c.w * 60)), c.w * 60),
            );
      if (want === undefined) return { expr, eval_time: at(c.t), exp_samples: [] };
      if (Number.isNaN(want)) return { expr: `${expr} != bool ${expr}`, eval_time: at(c.t), exp_samples: [{ labels: '{}', value: 1 }] };
      return { expr, eval_time: at(c.t), exp_samples: [{ labels: '{}', value: want }] };
    });
    return { name: `gap ${gap}`, interval: '1m', input_series, promql_expr_test };
  });
  return { rule_files: ruleFile === undefined ? [] : [ruleFile], evaluation_interval: path === 'raw' ? '1m' : `${String(BLOCK)}m`, tests };
}

/**
 * The recorded path's rules: the rules' 5m count per cell and the gap markers of its denominator (the generated
 * rules' expressions, kept by cell labels).
 */
function recordedRule(): object {
  const expr = `${counterIncrease('c', '5m', '10m', CELL_LABELS)} / 300`;
  const markers = (sel: string) => [
    { record: SEEN, expr: seenExpr(sel, BLOCK * 60, CELL_LABELS) },
    { record: FROM, expr: fromExpr(sel, SEEN, CELL_LABELS) },
  ];
  const rules = [{ record: RATE, expr }, ...markers('c{kind=~"long|zero"}'), ...markers('probe{kind=~"born|reset"}')];
  return { groups: [{ name: 'cells', interval: `${String(BLOCK)}m`, rules }] };
}

/** The promtool-evaluated gap matrix and the two defects on the generated rules, with `promtool` (`label`: its version). */
function defineGapPromtoolTests(label: string, promtool: () => string, root: string, leftOpen: boolean): void {
  describe(`gap matrix evaluated by promtool of ${label}`, () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'agent-slo-gaps-'));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function run(name: string, doc: object): Promise<{ code: number; out: string }> {
      const file = join(dir, `${name}.test.yaml`);
      await writeFile(file, stringify(doc, { lineWidth: 0 }));
      return runPromtool(['test', 'rules', file], dir, promtool());
    }

    /** One promtool test of a profile's generated rules: `test` is the test case (input series and checks). */
    const ruleTest = (name: string, profile: string, evaluationInterval: string, test: object) =>
      run(name, { rule_files: [join(root, 'rules', profile, 'rules.yaml')], evaluation_interval: evaluationInterval, tests: [{ interval: '1m', ...test }] });

    /** Values per minute for `minutes`, with no sample in [gap[0], gap[1]) (default: the 20 minutes from minute 181). */
    const withGap = (minutes: number, f: (m: number) => number, gap: [number, number] = [181, 201]): string =>
      promtoolValues(Array.from({ length: minutes }, (_, m) => [m, f(m)] as [number, number]).filter(([m]) => m < gap[0] || m >= gap[1]), minutes);

    it('raw path (the gate): every cell counts what the model promises, NaN where unknowable', async () => {
      const r = await run('raw', matrixFile('raw', leftOpen, undefined));
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });

    it('recorded path (the rules): the 5m counts summed over the window give what the model promises in every cell', async () => {
      const rules = join(dir, 'cells.rules.yaml');
      await writeFile(rules, stringify(recordedRule(), { lineWidth: 0 }));
      const r = await run('recorded', matrixFile('recorded', leftOpen, rules));
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });

    it('runtime-v1 tool_success_rate, Prometheus down 20 minutes while the runtime counts: no lifetime burst, an exact 1d count, no alert', async () => {
      // 60 calls a minute, 1 in 60 failing; no samples for minutes 181..200.
      const rate = 'agent_slo:component:rate5m{slo_profile="runtime-v1",slo_objective="tool_success_rate",slo_component="total"}';
      const events = (w: string) => `agent_slo:events{slo_profile="runtime-v1",slo_objective="tool_success_rate",slo_window="${w}"}`;
      // promtool evaluates every group at evaluation_interval: the group's own 5m (1d alert window).
      const r = await ruleTest('burst', 'runtime-v1', '5m', {
        input_series: [
          { series: 'gen_ai_execute_tool_duration_count', values: withGap(300, (m) => 59 * m) },
          { series: 'gen_ai_execute_tool_duration_count{error_type="test_error"}', values: withGap(300, (m) => m) },
        ],
        promql_expr_test: [
          // The block right after the gap holds the 20 gap minutes + its own 5 (1500 calls over 300 s: 5/s), not the
          // series' lifetime (the old count: 25/s).
          { expr: rate, eval_time: '205m', exp_samples: [{ labels: rate, value: 5 }] },
          // The 1d window holds exactly every call so far (60 × 230), the gap's included once.
          { expr: events('1d'), eval_time: '230m', exp_samples: [{ labels: events('1d'), value: 13800 }] },
        ],
        alert_rule_test: ['SLOToolSuccessRateWarning', 'SLOToolSuccessRateCritical'].flatMap((alertname) =>
          [203, 210, 230, 260].map((m) => ({ eval_time: `${String(m)}m`, alertname, exp_alerts: [] })),
        ),
      });
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });

    it('runtime-v1 tool_success_rate, a 2-hour outage: the 1d and 7d windows are no data while their start is inside it, exact once it has left', async () => {
      // 60 calls a minute, 1 in 60 failing; Prometheus down for 2 hours from minute 600. The rules' blocks right after the
      // outage count its calls, some of which fall before the start of a window starting inside it: no data there.
      const sel = (record: string, w?: string) =>
        `${record}{slo_profile="runtime-v1",slo_objective="tool_success_rate"${w === undefined ? '' : `,slo_window="${w}"`}}`;
      // Samples every 2.5 minutes (steps below; two in every 5m block also with Prometheus 3's left-open ranges) and
      // only this objective's group: a week of evaluations stays seconds of promtool.
      const gap: [number, number] = [240, 288];
      const day = 576;
      const week = 7 * day;
      const end = gap[1] + week + 16;
      const minutes = (steps: number) => steps * 2.5;
      const known = (record: string, w: string, k: number, value: number) => ({ expr: sel(record, w), eval_time: `${String(minutes(k))}m`, exp_samples: [{ labels: sel(record, w), value }] });
      const none = (record: string, w: string, k: number) => ({ expr: sel(record, w), eval_time: `${String(minutes(k))}m`, exp_samples: [] });
      const all = parse(await readFile(join(root, 'rules', 'runtime-v1', 'rules.yaml'), 'utf8')) as { groups: { name: string }[] };
      const rules = join(dir, 'tool-success.rules.yaml');
      await writeFile(rules, stringify({ groups: all.groups.filter((g) => g.name.endsWith(':tool_success_rate')) }, { lineWidth: 0 }));
      const r = await run('outage-7d', {
        rule_files: [rules],
        evaluation_interval: '5m',
        tests: [
          {
            interval: '150s',
            input_series: [
              { series: 'gen_ai_execute_tool_duration_count', values: withGap(end, (k) => 2.5 * 59 * k, gap) },
              { series: 'gen_ai_execute_tool_duration_count{error_type="test_error"}', values: withGap(end, (k) => 2.5 * k, gap) },
            ],
            promql_expr_test: [
              // 1d: its start inside the outage (at 2100m: 660m) → no data, the SLI too, state -1 (no data).
              none('agent_slo:events', '1d', gap[0] + day + 24),
              none('agent_slo:sli', '1d', gap[0] + day + 24),
              { expr: sel('agent_slo:state'), eval_time: `${String(minutes(gap[0] + day + 24))}m`, exp_samples: [{ labels: sel('agent_slo:state'), value: -1 }] },
              // Once the start has left the outage (and the blocks after it, 2,180m): exactly one day of calls, SLI 59/60.
              known('agent_slo:events', '1d', gap[1] + day + 8, 60 * 1440),
              known('agent_slo:sli', '1d', gap[1] + day + 8, 59 / 60),
              // 7d (the hourly roll-up): no data while its start is inside the outage (10,740m), then exactly a
              // week of calls (10,830m).
              none('agent_slo:events', '7d', gap[0] + week + 24),
              known('agent_slo:events', '7d', gap[1] + week + 12, 60 * 7 * 1440),
            ],
            alert_rule_test: ['SLOToolSuccessRateWarning', 'SLOToolSuccessRateCritical'].flatMap((alertname) =>
              [gap[1] + 2, gap[0] + day + 24, gap[1] + day + 8, gap[0] + week + 24].map((k) => ({ eval_time: `${String(minutes(k))}m`, alertname, exp_alerts: [] })),
            ),
          },
        ],
      });
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });

    it("the gate's coverage probe: a time:from marker older than the window start turns the count into RECORDED_GAP_AT_START", async () => {
      // Rates every minute for 3h; one time:from at minute 100 reaching back to minute 80. 1h windows: at 130m the
      // start (70m) is before 80m (no events from before it); at 150m (start 90m) it is not; at 170m the marker has left.
      const rate = (component: string) => `agent_slo:component:rate5m{slo_profile="p",slo_objective="o",slo_component="${component}"}`;
      const expr = recordedSamplesByObjectiveExpr('p', 3600);
      const r = await run('probe', {
        rule_files: [],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: rate('total'), values: '1x180' },
              { series: rate(COMPONENT_FROM), values: `_x100 ${String(80 * 60)} _x80` },
            ],
            promql_expr_test: [
              { expr, eval_time: '130m', exp_samples: [{ labels: '{slo_objective="o"}', value: 60 }] },
              { expr, eval_time: '150m', exp_samples: [{ labels: '{slo_objective="o"}', value: RECORDED_GAP_AT_START }] },
              { expr, eval_time: '170m', exp_samples: [{ labels: '{slo_objective="o"}', value: 60 }] },
            ],
          },
        ],
      });
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });

    it('kokino data_integrity: one failure at minute 100, a 20-minute scrape gap from minute 181 → paged once, not again after the gap', async () => {
      const r = await ruleTest('repage', 'kokino', '1m', {
        input_series: [
          { series: 'agent_integrity_failures_total', values: withGap(260, (m) => (m < 100 ? 0 : 1)) },
          { series: 'agent_conversations_total', values: withGap(260, (m) => 1000 * m) },
        ],
        // Firing at 102m (the failure), never again after the gap (the old count paged again at 203m).
        promql_expr_test: [102, 203, 205, 210, 240].map((m) => ({
          expr: 'count(ALERTS{alertname="SLODataIntegrityViolation",alertstate="firing"})',
          eval_time: `${String(m)}m`,
          exp_samples: m === 102 ? [{ labels: '{}', value: 1 }] : [],
        })),
      });
      expect(r.code, r.out.slice(0, 4000)).toBe(0);
    });
  });
}

describe('gap matrix expectations (the model against the events)', () => {
  it('60 cells per path; the rules never NaN and never a lifetime; the gate NaN only where unknowable', () => {
    for (const path of ['recorded', 'raw'] as const) {
      const all = cells(path);
      expect(all).toHaveLength(60);
      for (const c of all) {
        const id = `${path} ${c.gap}/${c.position}/${c.kind}`;
        const want = promised(c, path, false);
        expect(promised(c, path, true), `${id} (3.x)`).toEqual(want);
        if (c.kind === 'zero') expect(want, id).toBe(0);
        if (path === 'recorded') {
          const seen0 = observed(c);
          if (want === undefined) {
            // No data: nothing in the window, or a gap straddling its start (the gap markers) with events to count.
            if (seen0 !== undefined) expect([c.position, markedUnknowable(c, false)], id).toEqual(['start', true]);
            continue;
          }
          // Never an event from before the window: at most increase()'s extrapolation (one scrape interval) over.
          expect(want, id).toBeLessThanOrEqual(truth(c) + 60);
          // Observation time: every event counted in the block that first sees it, once; a restart inside a gap
          // loses the events between the last sample before the gap and the restart (never seen by any sample).
          // A gap shorter than the 10m presence lookback plus the 5m block is, for some block, ordinary scrape
          // spacing for increase(), whose extrapolation does not bridge it exactly: within the gap's events.
          const seen = observed(c) ?? 0;
          const len = c.gapMinutes[1] - c.gapMinutes[0];
          if (len < 15) expect(Math.abs((want ?? 0) - seen), id).toBeLessThanOrEqual(60 * len);
          else if (c.kind === 'reset') expect(want, id).toBeLessThanOrEqual(seen + 60);
          // increase() in the block before a gap extrapolates into it by up to one scrape interval: at most one
          // minute of events (60) twice.
          else expect(Math.abs((want ?? 0) - seen), id).toBeLessThanOrEqual(60);
        }
      }
    }
    const nan = cells('raw').filter((c) => Number.isNaN(promised(c, 'raw', false) ?? 0)).map((c) => `${c.gap}/${c.position}/${c.kind}`);
    // Unknowable at the gate's strict start: a reset inside a gap at the start longer than the 5m scrape slack, a
    // series born there, or one back after a gap at the start longer than the presence lookback (10m for the 2h
    // windows of 2m–1h gaps, 18m for 6h, 1h for 48h): how many of the gap's events fell before the start is unknown.
    const straddling = ['1h', '3h', '1d'].flatMap((g) => ['long', 'born', 'reset'].map((k) => `${g}/start/${k}`));
    expect(nan).toEqual(['11m/start/born', '11m/start/reset', ...straddling]);
  });

  it('the gate never counts an event from before its window; inside, within one scrape interval of the truth', () => {
    for (const c of cells('raw')) {
      const want = promised(c, 'raw', false);
      if (want === undefined || Number.isNaN(want)) continue;
      const id = `${c.gap}/${c.position}/${c.kind}`;
      const t = truth(c);
      // A restart inside the gap: the events between the last sample before it and the restart are never seen.
      if (c.kind === 'reset') expect(want, id).toBeLessThanOrEqual(t + 60);
      else if (c.position === 'inside') expect(Math.abs(want - t), id).toBeLessThanOrEqual(60);
      // A gap at the start within the lookback: increase() from the first sample in the window (the in-window part
      // of the gap is missed); a gap at the end: what was scraped before it.
      else expect(want, id).toBeLessThanOrEqual(t);
    }
  });
});

const servers = await prometheusServers('gap matrix');
describe.each(servers)('gap matrix on $label', (server) => {
  // Ranges are left-open on 3.x.
  defineGapPromtoolTests(server.label, () => server.promtool, process.cwd(), server.major === 3);
});
