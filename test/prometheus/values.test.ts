import { describe, expect, it } from 'vitest';
import { PrometheusResponseError } from '../../src/prometheus/errors.js';
import { redact } from '../../src/prometheus/secrets.js';
import { parseQueryData } from '../../src/prometheus/results.js';
import { parseSampleValue } from '../../src/prometheus/values.js';
import { formatPromTime } from '../../src/prometheus/client.js';

describe('parseSampleValue', () => {
  it('maps NaN and the infinities explicitly', () => {
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('+Inf')).toBe(Infinity);
    expect(parseSampleValue('-Inf')).toBe(-Infinity);
  });

  it('parses plain decimals and exponents', () => {
    expect(parseSampleValue('0')).toBe(0);
    expect(parseSampleValue('-1.5')).toBe(-1.5);
    expect(parseSampleValue('1e+21')).toBe(1e21);
    expect(parseSampleValue('5e-324')).toBe(5e-324);
    expect(parseSampleValue('.5')).toBe(0.5);
  });

  it.each(['', ' ', 'abc', '0x10', '1,5', 'nan', 'Infinity', '1e', '--1', '1 2'])('refuses %j', (raw) => {
    expect(() => parseSampleValue(raw)).toThrow(PrometheusResponseError);
  });

  it('refuses non-strings', () => {
    expect(() => parseSampleValue(1)).toThrow(/must be a string/);
    expect(() => parseSampleValue(null)).toThrow(PrometheusResponseError);
  });
});

describe('parseQueryData', () => {
  it('parses a matrix and keeps labels', () => {
    expect(
      parseQueryData({ resultType: 'matrix', result: [{ metric: { a: '1' }, values: [[1, '1'], [2, 'NaN']] }] }, ''),
    ).toEqual({
      resultType: 'matrix',
      result: [{ labels: { a: '1' }, samples: [{ timestamp: 1, value: 1 }, { timestamp: 2, value: NaN }] }],
    });
  });

  it('refuses malformed shapes', () => {
    expect(() => parseQueryData({ resultType: 'vector', result: {} }, '')).toThrow(PrometheusResponseError);
    expect(() => parseQueryData({ resultType: 'scalar', result: [1] }, '')).toThrow(/pair/);
    expect(() => parseQueryData({ resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '1'] }] }, '')).toThrow(
      /label a/,
    );
    expect(() => parseQueryData({ resultType: 'vector', result: [{ metric: {}, value: ['1', '1'] }] }, '')).toThrow(
      /timestamp/,
    );
  });
});

describe('redact and time formatting', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redact('a tok b tok', ['tok', ''])).toBe('a [REDACTED] b [REDACTED]');
  });

  it('formats times in seconds and refuses milliseconds', () => {
    expect(formatPromTime(new Date(1_700_000_000_123))).toBe('1700000000.123');
    expect(formatPromTime(1_700_000_000)).toBe('1700000000');
    expect(() => formatPromTime(1_700_000_000_000)).toThrow(/milliseconds/);
    expect(() => formatPromTime(NaN)).toThrow(RangeError);
  });
});
