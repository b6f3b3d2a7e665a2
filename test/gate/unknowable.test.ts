/**
 * The gate's explanation of a NaN count (src/gate/unknowable.ts) on synthetic answers: the cases the gate scenarios
 * on real Prometheus do not reach (born inside the gap, restarted inside it, more series than are named, a failing
 * query) and the bounds on server text. The real-server case is test/integration/gate-scenarios.test.ts (outage).
 */
import { describe, expect, it } from 'vitest';
import { type ExplainContext, explainUnknowable, NAMED_SERIES, type SeriesAnswer, SERIES_TEXT_LIMIT } from '../../src/gate/unknowable.js';
import { spanText, utcTime } from '../../src/gate/time.js';
import type { StrictCount } from '../../src/promql/counter-increase.js';
import { narrowSelector, selectorMetric } from '../../src/promql/selector.js';

const END = 1_796_000_000;
const START = END - 7 * 86_400;
const COUNT: StrictCount = { selector: 'calls_total{job="a"}', window: '7d', lookback: '1h', opts: { strict: true, probe: 'requests_total{job="a"}' } };

type Row = { labels: Record<string, string>; value: number; before?: number; first?: number };

/** Answers the explanation's queries from a table of series (what Prometheus would return for them). */
function context(rows: Row[], opts: { fail?: RegExp; probeLast?: number; secret?: string } = {}): ExplainContext & { asked: string[] } {
  const asked: string[] = [];
  const pick = (expr: string, v: (r: Row) => number | undefined): SeriesAnswer => ({
    status: 'ok',
    series: rows.filter((r) => expr.includes(narrowSelector(COUNT.selector, r.labels))).flatMap((r) => (v(r) === undefined ? [] : [{ labels: r.labels, value: v(r)! }])),
  });
  return {
    asked,
    run(expr, time) {
      asked.push(expr);
      return Promise.resolve(answer(expr, time));
    },
    admit: (text, max) => {
      const red = opts.secret === undefined ? text : text.split(opts.secret).join('[REDACTED]');
      return red.length <= max ? red : `${red.slice(0, max)}…`;
    },
  };
  function answer(expr: string, time: number): SeriesAnswer {
    expect(time).toBe(END);
    if (opts.fail?.test(expr)) return { status: 'error', reason: 'query timed out' };
    if (expr.startsWith('topk(')) {
      const n = Number(/^topk\((\d+),/.exec(expr)?.[1]);
      const top = [...rows].sort((a, b) => b.value - a.value).slice(0, n);
      return { status: 'ok', series: [...top, { labels: { agent_slo_unknowable: 'all' }, value: rows.length }] };
    }
    if (expr.startsWith('max(')) return { status: 'ok', series: opts.probeLast === undefined ? [] : [{ labels: {}, value: opts.probeLast }] };
    if (expr.startsWith('max_over_time(')) return pick(expr, (r) => r.before);
    if (expr.startsWith('min_over_time(')) return pick(expr, (r) => r.first);
    throw new Error(`unexpected query ${expr}`);
  }
}

describe('explainUnknowable', () => {
  it('a series grown across the gap: its label set, the gap from its last sample before the start to its first after, in UTC with the duration', async () => {
    const ctx = context([{ labels: { job: 'a', tool: 'x' }, value: 120, before: START - 3900, first: START + 3570 }]);
    const text = await explainUnknowable(ctx, COUNT, END);
    expect(text).toBe(
      `1 series unknowable at the window start ${utcTime(START)}: calls_total{job="a",tool="x"}: grew across a scrape gap from ${utcTime(START - 3900)} to ${utcTime(START + 3570)} (2h4m30s), longer than the 1h presence lookback`,
    );
    // The probe's gap is only read for a series born in the gap.
    expect(ctx.asked.some((q) => q.startsWith('max('))).toBe(false);
  });

  it('restarted inside the gap (negative value) and born inside it (no sample before: the gap is the denominator\'s)', async () => {
    const ctx = context(
      [
        { labels: { job: 'a', tool: 'r' }, value: -5, before: START - 7200, first: START + 600 },
        { labels: { job: 'a', tool: 'b' }, value: 3, first: START + 1200 },
      ],
      { probeLast: START - 4000 },
    );
    const text = await explainUnknowable(ctx, COUNT, END);
    expect(text).toContain(`calls_total{job="a",tool="b"}: born inside a scrape gap at the start (first sample ${utcTime(START + 1200)}, none in the 25h before the start); the objective's denominator was not scraped from ${utcTime(START - 4000)} to ${utcTime(START + 1200)} (1h26m40s)`);
    expect(text).toContain(`calls_total{job="a",tool="r"}: restarted inside a scrape gap from ${utcTime(START - 7200)} to ${utcTime(START + 600)} (2h10m)`);
    expect(ctx.asked.filter((q) => q.startsWith('max('))).toEqual([expect.stringContaining('requests_total{job="a"}')]);
  });

  it(`names at most ${NAMED_SERIES} series (largest first) and counts the rest; server text is redacted and bounded`, async () => {
    const long = 'v'.repeat(400);
    const rows: Row[] = Array.from({ length: 7 }, (_, i) => ({ labels: { job: 'a', team: 'secret-team', id: `${i}` }, value: i + 1, before: START - 7200, first: START + 60 }));
    rows[6]!.labels.note = long;
    const text = await explainUnknowable(context(rows, { secret: 'secret-team' }), COUNT, END);
    expect(text.startsWith('7 series unknowable')).toBe(true);
    expect(text).toContain('; and 4 more series');
    expect(text).not.toContain('secret-team');
    expect(text).toContain('team="[REDACTED]"');
    expect(text).not.toContain(long);
    expect(text).toContain('id="5"');
    expect(text).not.toContain('id="3"');
    const named = text.split('; ').filter((p) => p.includes('calls_total'));
    for (const p of named) expect(p.split(': ')[0]!.length).toBeLessThanOrEqual(SERIES_TEXT_LIMIT + 80);
  });

  it('a failing query still names the series, with why the gap could not be read; nothing unknowable → no text', async () => {
    const text = await explainUnknowable(context([{ labels: { job: 'a' }, value: 1, before: START - 7200, first: START + 60 }], { fail: /^min_over_time/ }), COUNT, END);
    expect(text).toContain('calls_total{job="a"} (its samples around the start could not be read: query timed out)');
    expect(await explainUnknowable(context([]), COUNT, END)).toBe('');
    const listFails = await explainUnknowable(context([], { fail: /^topk/ }), COUNT, END);
    expect(listFails).toBe('the unknowable series could not be listed: query timed out');
    // Times from the server are outside data: NaN or out of range is no time, never a crash.
    const odd = await explainUnknowable(context([{ labels: { job: 'a' }, value: Number.NaN, before: Number.NaN, first: 1e300 }]), COUNT, END);
    expect(odd).toContain('calls_total{job="a"}: born inside a scrape gap at the start (no sample found in the window, none in the 25h before the start)');
  });
});

describe('helpers', () => {
  it('spanText, utcTime, selectorMetric, narrowSelector', () => {
    expect(spanText(7500)).toBe('2h5m');
    expect(spanText(90_061)).toBe('1d1h1m1s');
    expect(spanText(0)).toBe('0s');
    expect(utcTime(1_796_000_000)).toBe('2026-11-30 00:53:20 UTC');
    expect(selectorMetric('calls_total{job="a"}')).toBe('calls_total');
    expect(selectorMetric('{"gen_ai.calls","job"="a"}')).toBe('gen_ai.calls');
    expect(narrowSelector('calls_total{job="a"}', { __name__: 'calls_total', 'error.type': 'x"y' })).toBe('calls_total{job="a","error.type"="x\\"y"}');
    expect(narrowSelector('calls_total', { a: 'b' })).toBe('calls_total{a="b"}');
  });
});
