import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { seededRandom as rng } from '../../src/backfill/scenario.js';
import { SpecError } from '../../src/profile/errors.js';
import { loadProfileFromTexts } from '../../src/profile/load.js';

const JUNK: unknown[] = [null, 0, -1, 1e308, Number.NaN, '', 'x', '5m', '{{window}}', 'sum(', [], {}, [1, 'a'], { a: { b: [] } }, true, '@', '#', 'agent-slo/v1'];

function mutate(value: unknown, r: () => number, depth = 0): unknown {
  if (r() < 0.08) return JUNK[Math.floor(r() * JUNK.length)];
  if (Array.isArray(value)) {
    const out = value.map((v) => mutate(v, r, depth + 1));
    if (r() < 0.1) out.splice(Math.floor(r() * (out.length + 1)), 0, mutate(value[0], r, depth + 1));
    if (r() < 0.1 && out.length > 0) out.splice(Math.floor(r() * out.length), 1);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (r() < 0.05) continue; // drop a field
      out[r() < 0.03 ? `${k}_x` : k] = mutate(v, r, depth + 1);
    }
    return out;
  }
  if (typeof value === 'number' && r() < 0.2) return value * (r() < 0.5 ? -1 : 100);
  if (typeof value === 'string' && r() < 0.1) return value.slice(0, Math.floor(r() * value.length));
  return value;
}

describe('loader fuzz', () => {
  const seeds = [readFileSync('profiles/runtime-v1.yaml', 'utf8'), readFileSync('profiles/kokino.yaml', 'utf8')].map((t) => parse(t) as unknown);

  it('mutated profiles give a profile or a typed SpecError, never anything else (600 documents)', () => {
    const r = rng(20261126);
    let ok = 0;
    let invalid = 0;
    for (let i = 0; i < 600; i++) {
      const doc = mutate(seeds[i % seeds.length], r);
      const text = stringify(doc);
      try {
        loadProfileFromTexts([{ file: `fuzz-${i}.yaml`, text }]);
        ok++;
      } catch (err) {
        if (!(err instanceof SpecError)) throw new Error(`document ${i} threw ${String(err)}\n${text}`);
        expect(err.issues.length).toBeGreaterThan(0);
        for (const issue of err.issues) expect(issue.file).toBe(`fuzz-${i}.yaml`);
        invalid++;
      }
    }
    expect(ok + invalid).toBe(600);
    expect(invalid).toBeGreaterThan(100); // the mutations really break documents
  });

  it('random text and bytes give a typed SpecError', () => {
    const r = rng(7);
    const alphabet = 'abc:{}[]-#&*!|>\'"\n\t %@`,?0123456789';
    for (let i = 0; i < 400; i++) {
      const len = Math.floor(r() * 200);
      let text = '';
      for (let j = 0; j < len; j++) text += i % 4 === 0 ? String.fromCharCode(Math.floor(r() * 0xffff)) : alphabet[Math.floor(r() * alphabet.length)];
      expect(() => loadProfileFromTexts([{ file: 'random.yaml', text }])).toThrow(SpecError);
    }
  });
});
