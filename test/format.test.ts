import { describe, expect, it } from 'vitest';
import { humanNumber, humanWindow, jsonNumber, parseDuration, promDuration, showNumber, unitThreshold, unitValue } from '../src/format.js';

describe('durations', () => {
  it.each([
    ['0s', 0],
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['24h', 86_400],
    ['7d', 604_800],
    ['30d', 2_592_000],
    ['1w', 604_800],
    ['500ms', 0.5],
  ])('%s = %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '5', '5 minutes', '1day', '-5m', '5M', 'm5'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [0, '0s'],
    [300, '5m'],
    [3600, '1h'],
    [5400, '90m'],
    [86_400, '1d'],
    [604_800, '7d'],
    [2_592_000, '30d'],
  ])('formats %d s as %s', (seconds, text) => {
    expect(promDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toBe(seconds);
  });
});

describe('the same window for Prometheus and for people', () => {
  it.each([
    [86_400, '1d', '24h'],
    [2 * 86_400, '2d', '48h'],
    [3600, '1h', '1h'],
    [7 * 86_400, '7d', '7d'],
    [300, '5m', '5m'],
    [5400, '90m', '90m'],
  ])('%d s is %s in rules and %s in reasons', (seconds, prom, human) => {
    expect(promDuration(seconds)).toBe(prom);
    expect(humanWindow(seconds)).toBe(human);
  });
});

describe('numbers', () => {
  it('spells non-finite values as Prometheus does and rounds to 6 significant digits for people', () => {
    expect([NaN, Infinity, -Infinity, 0.5, null, undefined].map(jsonNumber)).toEqual(['NaN', '+Inf', '-Inf', 0.5, null, null]);
    expect(humanNumber(0.123456789)).toBe('0.123457');
    expect(humanNumber(Infinity)).toBe('+Inf');
    expect(showNumber(null)).toBe('—');
    expect(showNumber('NaN')).toBe('NaN');
    expect(showNumber(1234567.8)).toBe('1234570');
  });
});

describe('values in their unit, for people', () => {
  it.each([
    ['ratio', 0.9899999999917818, '99.00%'],
    ['ratio', 0.99512, '99.51%'],
    ['ratio', 0.99999, '99.999%'],
    ['ratio', 0.9999996, '99.99996%'],
    ['ratio', 1, '100.00%'],
    ['ms', 7727.27, '7727 ms'],
    ['ms', 3.24, '3.2 ms'],
    ['s', 2.345, '2.35 s'],
    ['By', 1048576.4, '1048576 B'],
    ['MB', 300, '300.0 MB'],
    ['USD', 0.0812, '$0.081'],
    ['events', 3, '3'],
  ] as const)('%s %d → %s', (unit, v, text) => {
    expect(unitValue(unit, v)).toBe(text);
  });

  it('spells non-finite and missing values', () => {
    expect(unitValue('ms', '+Inf')).toBe('+Inf');
    expect(unitValue('ratio', Number.NaN)).toBe('NaN');
    expect(unitValue('s', null)).toBe('—');
    expect(unitValue('s', null, 'no data')).toBe('no data');
  });

  it('thresholds as written in the spec, with the unit', () => {
    expect(unitThreshold('ratio', 0.995)).toBe('99.5%');
    expect(unitThreshold('ms', 15000)).toBe('15000 ms');
    expect(unitThreshold('By', 512)).toBe('512 B');
  });
});
