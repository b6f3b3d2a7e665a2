import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/profile/duration.js';

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
    expect(formatDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toBe(seconds);
  });
});
