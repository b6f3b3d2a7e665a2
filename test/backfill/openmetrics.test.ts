import { describe, expect, it } from 'vitest';
import { OpenMetricsError, writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import { escapeExpositionLabelValue } from '../../src/escape.js';
import { promValue } from '../../src/format.js';
import { counterFromRates, prometheusIncrease, rawIncrease } from '../../src/backfill/scenario.js';
import { sampleTimestamp } from '../../src/backfill/blocks.js';

describe('writeOpenMetrics', () => {
  it('writes counters as <name>_total under family <name>, labels sorted, # EOF last', () => {
    const text = writeOpenMetrics([
      {
        name: 'jobs',
        type: 'counter',
        help: 'Jobs done',
        series: [{ labels: { z: '1', a: 'x' }, samples: [[1700000000, 3]] }],
      },
    ]);
    expect(text).toBe('# TYPE jobs counter\n# HELP jobs Jobs done\njobs_total{a="x",z="1"} 3 1700000000\n# EOF\n');
    expect(text).not.toContain('# UNIT');
  });

  it('accepts a counter name that already ends in _total without doubling it', () => {
    const text = writeOpenMetrics([{ name: 'cost_total', type: 'counter', series: [{ labels: {}, samples: [[10, 1]] }] }]);
    expect(text).toBe('# TYPE cost counter\ncost_total 1 10\n# EOF\n');
  });

  it('escapes backslash, double quote and newline in label values and help', () => {
    expect(escapeExpositionLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const text = writeOpenMetrics([
      { name: 'g', type: 'gauge', help: 'line1\nline2 \\', series: [{ labels: { v: 'say "hi"\\\n' }, samples: [[5, 1]] }] },
    ]);
    expect(text).toContain('# HELP g line1\\nline2 \\\\\n');
    expect(text).toContain('g{v="say \\"hi\\"\\\\\\n"} 1 5\n');
  });

  it('sorts each series by time and rejects duplicate timestamps with a typed error', () => {
    const text = writeOpenMetrics([
      {
        name: 'g',
        type: 'gauge',
        series: [{ labels: {}, samples: [[30, 3], [10, 1], [20, 2]] }],
      },
    ]);
    expect(text).toBe('# TYPE g gauge\ng 1 10\ng 2 20\ng 3 30\n# EOF\n');

    const dup = (): string =>
      writeOpenMetrics([{ name: 'g', type: 'gauge', series: [{ labels: { k: 'v' }, samples: [[10, 1], [10, 2]] }] }]);
    expect(dup).toThrow(OpenMetricsError);
    expect(dup).toThrow(/family g series \{k="v"\}: duplicate timestamp 10/);
  });

  it('writes a counter reset as a drop in value (the reader corrects it)', () => {
    const samples = counterFromRates({ startSeconds: 0, perMinute: [5, 5, 5, 5], resetsAtSeconds: [150] });
    expect(samples).toEqual([
      [0, 0],
      [60, 5],
      [120, 10],
      [180, 5], // restarted inside (120, 180]: only that minute's increment
      [240, 10],
    ]);
    const text = writeOpenMetrics([{ name: 'c', type: 'counter', series: [{ labels: {}, samples }] }]);
    expect(text).toContain('c_total 10 120\nc_total 5 180\n');
    expect(rawIncrease(samples, 0, 240)).toBe(20);
  });

  it('writes NaN and infinities in OpenMetrics spelling', () => {
    expect([NaN, Infinity, -Infinity, 0.5, 1e21].map(promValue)).toEqual(['NaN', '+Inf', '-Inf', '0.5', '1e+21']);
    const text = writeOpenMetrics([{ name: 'g', type: 'gauge', series: [{ labels: {}, samples: [[1, NaN]] }] }]);
    expect(text).toContain('g NaN 1\n');
  });

  it('writes histograms as _bucket{le}/_count/_sum and adds +Inf', () => {
    const text = writeOpenMetrics([
      {
        name: 'dur',
        type: 'histogram',
        series: [
          {
            labels: { tool: 't' },
            points: [
              { timestampSeconds: 120, buckets: [[0.5, 2], [30, 4]], count: 5, sum: 50 },
              { timestampSeconds: 60, buckets: [[30, 1], [0.5, 1]], count: 1, sum: 0.2 },
            ],
          },
        ],
      },
    ]);
    expect(text).toBe(
      [
        '# TYPE dur histogram',
        'dur_bucket{tool="t",le="0.5"} 1 60',
        'dur_bucket{tool="t",le="30"} 1 60',
        'dur_bucket{tool="t",le="+Inf"} 1 60',
        'dur_count{tool="t"} 1 60',
        'dur_sum{tool="t"} 0.2 60',
        'dur_bucket{tool="t",le="0.5"} 2 120',
        'dur_bucket{tool="t",le="30"} 4 120',
        'dur_bucket{tool="t",le="+Inf"} 5 120',
        'dur_count{tool="t"} 5 120',
        'dur_sum{tool="t"} 50 120',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('rejects what promtool would mangle or refuse', () => {
    const bad = [
      () => writeOpenMetrics([{ name: 'g', type: 'gauge', series: [{ labels: {}, samples: [[1_700_000_000_000, 1]] }] }]),
      () => writeOpenMetrics([{ name: '1bad', type: 'gauge', series: [] }]),
      () => writeOpenMetrics([{ name: 'g', type: 'gauge', series: [{ labels: { 'bad-name': 'x' }, samples: [] }] }]),
      () => writeOpenMetrics([{ name: 'g', type: 'gauge', series: [{ labels: { __name__: 'x' }, samples: [] }] }]),
      () => writeOpenMetrics([{ name: 'c', type: 'counter', series: [{ labels: {}, samples: [[1, -1]] }] }]),
      () =>
        writeOpenMetrics([
          { name: 'g', type: 'gauge', series: [{ labels: { a: '1' }, samples: [] }, { labels: { a: '1' }, samples: [] }] },
        ]),
      () =>
        writeOpenMetrics([
          { name: 'g', type: 'gauge', series: [] },
          { name: 'g', type: 'gauge', series: [] },
        ]),
      () =>
        writeOpenMetrics([
          { name: 'h', type: 'histogram', series: [{ labels: {}, points: [{ timestampSeconds: 1, buckets: [[1, 3], [2, 2]], count: 3, sum: 1 }] }] },
        ]),
    ];
    for (const fn of bad) expect(fn).toThrow(OpenMetricsError);
    expect(bad[0]).toThrow(/milliseconds/);
  });

  it('writes UTF-8 metric and label names quoted only when asked (Prometheus 3), and still refuses control characters', () => {
    const family = { name: 'gen_ai.execute_tool.duration', type: 'histogram' as const, series: [{ labels: { 'error.type': 'x"y', job: 'j' }, points: [{ timestampSeconds: 1, buckets: [[1, 2]] as const, count: 3, sum: 1.5 }] }] };
    expect(() => writeOpenMetrics([family])).toThrow(/UTF-8 names only for Prometheus 3/);
    expect(writeOpenMetrics([family, { name: 'agent.tasks', type: 'gauge', series: [{ labels: {}, samples: [[1, 4]] }] }], { utf8Names: true }).split('\n')).toEqual([
      '# TYPE "gen_ai.execute_tool.duration" histogram',
      '{"gen_ai.execute_tool.duration_bucket","error.type"="x\\"y",job="j",le="1"} 2 1',
      '{"gen_ai.execute_tool.duration_bucket","error.type"="x\\"y",job="j",le="+Inf"} 3 1',
      '{"gen_ai.execute_tool.duration_count","error.type"="x\\"y",job="j"} 3 1',
      '{"gen_ai.execute_tool.duration_sum","error.type"="x\\"y",job="j"} 1.5 1',
      '# TYPE "agent.tasks" gauge',
      '{"agent.tasks"} 4 1',
      '# EOF',
      '',
    ]);
    expect(() => writeOpenMetrics([{ name: 'a\nb', type: 'gauge', series: [] }], { utf8Names: true })).toThrow(OpenMetricsError);
  });

  it('ends with # EOF even with no families', () => {
    expect(writeOpenMetrics([])).toBe('# EOF\n');
  });
});

describe('sampleTimestamp', () => {
  it('reads the timestamp after labels that contain spaces, braces and escaped quotes', () => {
    expect(sampleTimestamp('x{a="} 1 2",b="\\" 3"} 4 1700000000')).toBe(1700000000);
    expect(sampleTimestamp('x 4 1700000000.5')).toBe(1700000000.5);
    expect(sampleTimestamp('x 4')).toBeUndefined();
    expect(sampleTimestamp('# TYPE x gauge')).toBeUndefined();
    expect(sampleTimestamp('x_total 4 17 # {trace_id="a"} 1 18')).toBe(17);
  });
});

describe('scenario helpers', () => {
  it('counterFromRates scales per-minute rates by the step and accepts a function', () => {
    expect(counterFromRates({ startSeconds: 100, stepSeconds: 30, perMinute: [60, 120] })).toEqual([
      [100, 0],
      [130, 30],
      [160, 90],
    ]);
    expect(counterFromRates({ startSeconds: 0, perMinute: (i) => i + 1, steps: 3, initialValue: 10 })).toEqual([
      [0, 10],
      [60, 11],
      [120, 13],
      [180, 16],
    ]);
    expect(() => counterFromRates({ startSeconds: 0, perMinute: [-1] })).toThrow(RangeError);
  });

  it('prometheusIncrease follows extrapolatedRate', () => {
    const samples = counterFromRates({ startSeconds: 0, perMinute: Array(10).fill(6) as number[] });
    // Aligned on samples: no extrapolation on 2.x (closed range).
    expect(prometheusIncrease(samples, 600, 300)).toBe(30);
    // Left-open range: first sample at 360, extrapolated back to 300 (gap 60 s < 1.1 × 60 s).
    expect(prometheusIncrease(samples, 600, 300, { leftOpen: true })).toBe(30);
    // End 30 s after the last sample: extrapolated by 30 s.
    expect(prometheusIncrease(samples, 630, 300)).toBeCloseTo(30, 12);
    // Range starting before the series: extrapolation to the start is capped at half an interval…
    const offset = samples.map(([t, v]) => [t, v + 100] as const);
    expect(prometheusIncrease(offset, 240, 600)).toBeCloseTo(24 * (270 / 240), 12);
    // …and never goes below the time the counter would have been zero (here: the first sample is 0).
    expect(prometheusIncrease(samples, 240, 600)).toBe(24);
    expect(prometheusIncrease(samples, 0, 300)).toBeUndefined();
  });
});
