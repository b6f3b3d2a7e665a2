/**
 * The project's count expression with Debian's promtool 2.42 (test bodies and data: counter-increase-body.ts), and
 * the independent model prometheusCount (src/backfill/scenario.ts) against the same hand-worked values.
 */
import { describe, expect, it } from 'vitest';
import { prometheusCount, prometheusIncrease } from '../../src/backfill/scenario.js';
import { presenceLookbackSeconds } from '../../src/sli/queries.js';
import { at, CASES, defineCounterIncreasePromtoolTests, samples, SERIES } from './counter-increase-body.js';

describe('counterIncrease: increase() for series present at the window start, series born in the window from zero', () => {
  it('the independent model gives the hand-worked values', () => {
    expect(presenceLookbackSeconds(300)).toBe(600);
    for (const c of CASES) {
      for (const name of Object.keys(SERIES)) {
        expect(prometheusCount(samples(name), c.at, 300), `${name} at ${at(c.at)}`).toBe(c.expected[name]);
        expect(prometheusCount(samples(name), c.at, 300, { leftOpen: true }), `${name} at ${at(c.at)} (3.x)`).toBe(c.expected[name]);
        expect(prometheusIncrease(samples(name), c.at, 300), `increase ${name} at ${at(c.at)}`).toBe(c.increase[name]);
      }
    }
  });
});

defineCounterIncreasePromtoolTests('2.42 (Debian)', () => 'promtool');
