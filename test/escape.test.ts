import { describe, expect, it } from 'vitest';
import { escapeExpositionHelp, escapeExpositionLabelValue, escapeOpenMetricsHelp, escapePromqlString, escapeRegex, quotePromqlString } from '../src/escape.js';

describe('PromQL escaping', () => {
  it('escapes backslash, quotes and control characters', () => {
    expect(escapePromqlString('a"b\\c\nd\te\u0001')).toBe('a\\"b\\\\c\\nd\\te\\x01');
    expect(quotePromqlString('x"y')).toBe('"x\\"y"');
    expect(escapePromqlString('ünï ✓')).toBe('ünï ✓');
  });

  it('escapes regex metacharacters', () => {
    expect(escapeRegex('5e+08')).toBe('5e\\+08');
    expect(escapeRegex('a.b|c(d)[e]{f}^$*?\\')).toBe('a\\.b\\|c\\(d\\)\\[e\\]\\{f\\}\\^\\$\\*\\?\\\\');
  });
});

describe('exposition escaping', () => {
  it('escapes label values the same way in the text format and OpenMetrics', () => {
    expect(escapeExpositionLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('keeps double quotes in text-format HELP and escapes them in OpenMetrics HELP', () => {
    expect(escapeExpositionHelp('say "hi"\\\n')).toBe('say "hi"\\\\\\n');
    expect(escapeOpenMetricsHelp('say "hi"')).toBe('say \\"hi\\"');
  });
});
