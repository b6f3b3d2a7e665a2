import { describe, expect, it } from 'vitest';
import { goFormatG, leRegex, leSpellings } from '../../src/promql/le.js';

describe('le spellings', () => {
  it.each([
    [30, '30'],
    [8, '8'],
    [0.08, '0.08'],
    [500_000, '500000'],
    [1_000_000, '1e+06'],
    [500_000_000, '5e+08'],
    [1e9, '1e+09'],
    [2.5e6, '2.5e+06'],
    [0.00001, '1e-05'],
    [0.0001, '0.0001'],
  ])('Go formats %d as %s', (v, go) => {
    expect(goFormatG(v)).toBe(go);
  });

  it('accepts the JS exporter, Go client and Prometheus 3 spellings', () => {
    expect(leSpellings(30).sort()).toEqual(['30', '30.0']);
    expect(leSpellings(500_000_000).sort()).toEqual(['500000000', '500000000.0', '5e+08']);
    const re = new RegExp(`^(?:${leRegex(500_000_000)})$`);
    for (const s of ['500000000', '5e+08', '500000000.0']) expect(re.test(s)).toBe(true);
    for (const s of ['5e+080', '50000000', '1e+09']) expect(re.test(s)).toBe(false);
    expect(new RegExp(`^(?:${leRegex(0.08)})$`).test('0x08')).toBe(false);
  });
});
