/**
 * The pure part of the rule-file path choice: the label-set hash encodings and the "no evaluation in promtool's 1 s
 * hole" rule. That the predicted phase is the phase promtool really writes is checked against promtool 2.42 and 3.x
 * in test/integration/rule-backfill-phase*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { groupOffsetNs, keepsEveryEvaluation, labelsHash, safeRuleFilePath } from '../../src/backfill/group-phase.js';
import { xxhash64 } from '../../src/backfill/xxhash64.js';

const bytes = (...parts: (string | number)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...new TextEncoder().encode(p)])));

describe('labelsHash', () => {
  it('slicelabels: XXH64 of name 0xff value 0xff per label, sorted by name', () => {
    const want = xxhash64(bytes('file', 0xff, '/r.yaml', 0xff, 'name', 0xff, 'g', 0xff));
    expect(labelsHash({ name: 'g', file: '/r.yaml' }, 'slicelabels')).toBe(want);
    expect(labelsHash({ file: '/r.yaml', name: 'g' }, 'slicelabels')).toBe(want);
  });

  it('stringlabels: XXH64 of length-prefixed name and value; 255 bytes and more take a 4-byte prefix', () => {
    expect(labelsHash({ name: 'g', file: '/r.yaml' }, 'stringlabels')).toBe(xxhash64(bytes(4, 'file', 7, '/r.yaml', 4, 'name', 1, 'g')));
    const long = 'x'.repeat(300); // 300 = 0x012c
    expect(labelsHash({ file: long }, 'stringlabels')).toBe(xxhash64(bytes(4, 'file', 255, 0x2c, 0x01, 0, long)));
    const under = 'y'.repeat(254);
    expect(labelsHash({ file: under }, 'stringlabels')).toBe(xxhash64(bytes(4, 'file', 254, under)));
  });

  it('the two encodings give different hashes (so a path is checked under both)', () => {
    expect(labelsHash({ name: 'g', file: '/r.yaml' }, 'slicelabels')).not.toBe(labelsHash({ name: 'g', file: '/r.yaml' }, 'stringlabels'));
  });
});

describe('rule-file paths promtool backfills without holes', () => {
  const path = (n: number): string => `/tmp/rules/level-1-0-${n}.yaml`;
  const offsets = (n: number, interval: number): number[] =>
    (['slicelabels', 'stringlabels'] as const).map((e) => Number(groupOffsetNs('g', path(n), interval, e)) / 1e9);

  it('the offset is below the interval; a path is safe exactly when no offset lies within 1.001 s of the interval end', () => {
    let safe = 0;
    let unsafe = 0;
    for (let n = 0; n < 2000; n++) {
      const offs = offsets(n, 60);
      for (const o of offs) expect(o).toBeGreaterThanOrEqual(0);
      for (const o of offs) expect(o).toBeLessThan(60);
      const expected = offs.every((o) => o <= 60 - 1.001);
      expect(keepsEveryEvaluation('g', path(n), 60), `${path(n)}: offsets ${offs.join(', ')}`).toBe(expected);
      if (expected) safe++;
      else unsafe++;
    }
    // About 2 in 60 paths fall into the hole under one of the two encodings (1m group): both cases were exercised.
    expect(unsafe).toBeGreaterThan(20);
    expect(safe).toBeGreaterThan(1800);
  });

  it('safeRuleFilePath returns the first safe candidate, skipping the unsafe ones', () => {
    const unsafe = Array.from({ length: 2000 }, (_, n) => n).find((n) => !keepsEveryEvaluation('g', path(n), 60))!;
    expect(unsafe).toBeDefined();
    const tried: number[] = [];
    const got = safeRuleFilePath('g', 60, (a) => {
      tried.push(a);
      return path(unsafe + a);
    });
    const firstSafe = tried.length - 1;
    expect(got).toBe(path(unsafe + firstSafe));
    expect(firstSafe).toBeGreaterThan(0);
    for (let a = 0; a < firstSafe; a++) expect(keepsEveryEvaluation('g', path(unsafe + a), 60)).toBe(false);
    expect(keepsEveryEvaluation('g', got, 60)).toBe(true);
  });

  it('refuses an interval of 1 s (no phase avoids a 1 s hole) and says which group; 2 s has safe phases', () => {
    expect(() => safeRuleFilePath('fast', 1, path)).toThrow(/group fast: an interval of 1s leaves no evaluation phase .* \(use 2s or more\)/);
    expect(keepsEveryEvaluation('g', safeRuleFilePath('g', 2, path), 2)).toBe(true);
  });
});
